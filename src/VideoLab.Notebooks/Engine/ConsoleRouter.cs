using System.Text;

namespace VideoLab.Notebooks.Engine;

/// <summary>
/// Sends <see cref="Console.Out"/> and <see cref="Console.Error"/> to the cell that is writing
/// (see <see cref="CellScope.Current"/>), and everything else to the process's own console; and answers
/// <see cref="Console.In"/> reads of a cell by asking its front-end for a line (Jupyter's <c>input_request</c>).
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
            Console.SetIn(new RoutingReader(Console.In));
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

    /// <summary>Reads a cell makes are answered line by line by its front-end; outside cells, the process's own input.</summary>
    sealed class RoutingReader(TextReader fallback) : TextReader
    {
        [ThreadStatic] static string? _rest;  // what is left of the last line answered, for Read()

        public override string? ReadLine()
        {
            if (CellScope.Current is not { } cell) return fallback.ReadLine();
            if (_rest is { } rest) { _rest = null; return rest; }
            return cell.ReadLine();
        }

        public override int Read()
        {
            if (CellScope.Current is null) return fallback.Read();
            _rest ??= ReadLine() is { } line ? line + "\n" : null;
            if (_rest is null) return -1;
            var c = _rest[0];
            _rest = _rest.Length > 1 ? _rest[1..] : null;
            return c;
        }

        public override int Peek()
        {
            if (CellScope.Current is null) return fallback.Peek();
            _rest ??= ReadLine() is { } line ? line + "\n" : null;
            return _rest is null ? -1 : _rest[0];
        }
    }
}
