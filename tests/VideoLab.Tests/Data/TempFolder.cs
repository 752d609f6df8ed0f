namespace VideoLab.Tests.Data;

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("videolab-test-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}
