using System.Collections;
using System.IO.Compression;
using Razorvine.Pickle;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace VideoLab.Interop;

/// <summary>
/// PyTorch's <c>torch.save</c> files (<c>.pth</c>, <c>.pt</c>, <c>.ckpt</c>) in and out, through TorchSharp.PyBridge
/// (its <see cref="PyTorchUnpickler"/> and <see cref="PyTorchPickler"/>). What this adds around it:
/// <list type="bullet">
/// <item>checkpoint layouts: a bare <c>state_dict</c>, or a dict holding one under <c>state_dict</c> (OpenSTL's trainers,
/// PyTorch Lightning) or <c>model</c>, with a <c>model.</c> (Lightning) or <c>module.</c> (DataParallel) prefix stripped;</item>
/// <item>the memory budget, checked from the zip directory before any tensor is read;</item>
/// <item>clear errors for what PyBridge rejects with a bare exception: a truncated or corrupt file, the pre-1.6 format,
/// a pickled module, a list, Python objects it cannot rebuild.</item>
/// </list>
/// The old (pre-zip) format is refused with the one-line re-save that fixes it: PyBridge cannot read it, and
/// Razorvine's unpickler registers its constructors process-wide, so a second unpickler beside PyBridge's would break it.
/// </summary>
public static class TorchPickleFile
{
    /// <summary>
    /// Dict subclasses that training frameworks pickle into checkpoints (hyper-parameters, mostly). Razorvine rebuilds
    /// unknown classes as objects its SETITEMS cannot fill, which failed whole checkpoints for an entry VideoLab ignores;
    /// these become plain dicts. (Registered by class name, process-wide; PyBridge's own registrations are untouched.)
    /// </summary>
    static readonly string[] DictClasses =
    [
        "pytorch_lightning.utilities.parsing.AttributeDict", "lightning.pytorch.utilities.parsing.AttributeDict",
        "lightning_fabric.utilities.data.AttributeDict", "lightning.fabric.utilities.data.AttributeDict",
    ];

    static TorchPickleFile()
    {
        foreach (var name in DictClasses)
        {
            int dot = name.LastIndexOf('.');
            Unpickler.registerConstructor(name[..dot], name[(dot + 1)..], new DictConstructor());
        }
    }

    sealed class DictConstructor : IObjectConstructor
    {
        public object construct(object[] args) => new PythonDict();
    }

    /// <summary>A Python dict subclass: its items arrive by SETITEMS; instance attributes (BUILD) are ignored.</summary>
    sealed class PythonDict : Hashtable
    {
        public void __setstate__(Hashtable state) { }
    }

    /// <summary>Reads the state_dict of a <c>torch.save</c> file as CPU tensors in the file's element types.</summary>
    /// <exception cref="WeightFileException">Not a readable PyTorch state_dict; over <paramref name="budgetBytes"/>.</exception>
    public static StateDict Read(string path, long budgetBytes)
    {
        using var stream = File.OpenRead(path);
        var magic = new byte[4];
        int read = stream.Read(magic, 0, 4);
        if (read < 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4)
        {
            if (read >= 2 && magic[0] == 0x80 && magic[1] <= 5)
                throw new WeightFileException(path, "was written in PyTorch's old (pre-1.6) format, for example by OpenSTL's publish_model.py " +
                    "(_use_new_zipfile_serialization=False), which VideoLab does not read. Re-save it once in Python: " +
                    $"python3 -c \"import torch; torch.save(torch.load('{path}', map_location='cpu'), 'resaved.pth')\"");
            throw new WeightFileException(path, "is not a PyTorch file (torch.save writes a zip archive starting with 'PK').");
        }
        stream.Position = 0;
        CheckArchive(path, stream, budgetBytes);
        stream.Position = 0;

        Hashtable root;
        try
        {
            root = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true);
        }
        catch (NotImplementedException e) when (e.Message.Contains("entire model"))
        {
            throw new WeightFileException(path, "holds a whole pickled module (torch.save(model)), not its weights. Save them with " +
                                                "torch.save(model.state_dict(), 'weights.pth').", e);
        }
        catch (InvalidCastException e)
        {
            throw new WeightFileException(path, "holds a Python object that is not a dict (a list or a single tensor?); expected a state_dict " +
                                                "(names → tensors) or a checkpoint dict with a 'state_dict' entry.", e);
        }
        catch (Exception e) when (e is PickleException or InvalidDataException or EndOfStreamException or NotImplementedException
                                      or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            throw new WeightFileException(path, $"could not be unpickled ({e.Message}). It may hold Python objects other than tensors, numbers, " +
                                                "strings, lists and dicts, or be corrupt; save only the weights: torch.save(model.state_dict(), 'weights.pth').", e);
        }
        return Extract(path, root);
    }

    /// <summary>The zip must list a data.pkl, and its tensor storages (data/N entries) must fit the budget.</summary>
    static void CheckArchive(string path, Stream stream, long budgetBytes)
    {
        try
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            if (!archive.Entries.Any(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal)))
                throw new WeightFileException(path, "is a zip archive without the data.pkl a torch.save file holds.");
            long bytes = archive.Entries.Where(e => e.FullName.Contains("/data/", StringComparison.Ordinal)).Sum(e => e.Length);
            WeightFiles.CheckBudget(path, bytes, budgetBytes);
        }
        catch (InvalidDataException e)
        {
            throw new WeightFileException(path, $"is not a complete zip archive ({e.Message}): the file is cut short or corrupt. Download or copy it again.", e);
        }
    }

    /// <summary>Finds the tensors: a bare state_dict, or one under 'state_dict' / 'model', minus a shared 'model.' or 'module.' prefix.</summary>
    static StateDict Extract(string path, Hashtable root)
    {
        var result = new StateDict(path);
        try
        {
            Hashtable dict = root;
            foreach (var key in new[] { "state_dict", "model" })
                if (root[key] is Hashtable inner && inner.Values.OfType<Tensor>().Any())
                {
                    dict = inner;
                    result.Notes.Add($"read the '{key}' entry of a checkpoint dict (its other entries: {string.Join(", ", root.Keys.Cast<object>().Where(k => !Equals(k, key)))})");
                    break;
                }
            var names = dict.Keys.Cast<object>().Select(k => k as string ?? throw new WeightFileException(path, $"has a non-text key ({k}) where tensor names were expected.")).ToList();
            var notTensors = names.Where(n => dict[n] is not Tensor).ToList();
            if (names.Count == 0 || notTensors.Count == names.Count)
                throw new WeightFileException(path, $"holds no tensors (keys: {string.Join(", ", names.Take(10))}); expected a state_dict (names → tensors) " +
                                                    "or a checkpoint dict with a 'state_dict' entry.");
            if (notTensors.Count > 0)
                throw new WeightFileException(path, $"mixes tensors with other values ({string.Join(", ", notTensors.Take(5))}); expected a state_dict of tensors only.");
            string prefix = new[] { "model.", "module." }.FirstOrDefault(p => names.All(n => n.StartsWith(p, StringComparison.Ordinal))) ?? "";
            if (prefix.Length > 0) result.Notes.Add($"removed the '{prefix}' prefix every name had");
            foreach (var name in names.OrderBy(n => n, StringComparer.Ordinal))
            {
                result.Add(name[prefix.Length..], (Tensor)dict[name]!);
                dict.Remove(name);
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
        finally
        {
            DisposeTensors(root);  // optimiser moments and the like that were read but are not kept
        }
    }

    static void DisposeTensors(object? value)
    {
        switch (value)
        {
            case Tensor t: t.Dispose(); break;
            case IDictionary d: foreach (var v in d.Values) DisposeTensors(v); break;
            case IEnumerable e and not string: foreach (var v in e) DisposeTensors(v); break;
        }
    }

    /// <summary>Writes a state_dict that <c>torch.load</c> reads (PyBridge's pickler); the file appears whole or not at all.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        // The pickler writes each tensor's bytes from its storage with its offset and strides: give it packed CPU copies.
        var packed = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (name, tensor) in tensors) packed[name] = tensor.detach().cpu().contiguous().clone();
            Training.AtomicFile.Write(path, stream => PyTorchPickler.PickleStateDict(stream, packed, leaveOpen: true));
        }
        finally
        {
            foreach (var t in packed.Values) t.Dispose();
        }
    }
}
