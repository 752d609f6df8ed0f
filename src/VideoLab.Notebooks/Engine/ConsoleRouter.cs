using System.Text;

namespace VideoLab.Notebooks.Engine;

/// <summary>
/// Sends <see cref="Console.Out"/> and <see cref="Console.Error"/> to the cell that is writing
/// (see <see cref="CellScope.Current"/>), and everything else to the process's own console.
/// Installed once per process; <see cref="Console.SetOut"/> wraps the writers so that concurrent
/// writes from the cell's threads are serialised.
/// </summary>
static class ConsoleRouter
{
    static readonly Lock Gate = new();
    static bool _installed;

    public static void Install()
    {
        lock (Gate)
        {
            if (_installed) return;
            Console.SetOut(new RoutingWriter("stdout", Console.Out));
            Console.SetError(new RoutingWriter("stderr", Console.Error));
            _installed = true;
        }
    }

    sealed class RoutingWriter(string stream, TextWriter fallback) : TextWriter
    {
        public override Encoding Encoding => fallback.Encoding;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Write(string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            if (CellScope.Current is { } cell) cell.Write(stream, value);
            else fallback.Write(value);
        }

        public override void WriteLine(string? value) => Write((value ?? "") + NewLine);

        public override void Flush()
        {
            if (CellScope.Current is null) fallback.Flush();
        }
    }
}
