#:project ../../src/VideoLab/VideoLab.csproj
#:property PublishAot=false
// Makes the tutorials' reference checkpoints (notebooks/reference/NAME.weights and NAME.json): models of the notebooks'
// cpu-mode size, trained on the cpu-mode clips for longer than a notebook can afford, by the recipes of the library's
// ReferenceRecipes. Run it through make.sh, which sets the environment that makes the weights reproducible bit for bit:
//
//   notebooks/reference/make.sh                  all references, in dependency order (the prior needs the VQ-VAE)
//   notebooks/reference/make.sh mocogan          one of them
//   notebooks/reference/make.sh --check mocogan  retrain into a temporary folder and compare SHA-256 with the committed file
//
// --check reproduces a reference at the commit that made it, on any x86-64 CPU with AVX2 (on an AVX-512 CPU only with
// make.sh's ATEN_CPU_CAPABILITY=avx2: checked on 2026-12-02, simvp-attention at c6f52c0). A later change to a model's
// arithmetic changes its bits: simvp-attention was made at c6f52c0, before SimVP's encoder and decoder went channels-last
// (96f926b); remade at a2936d9 its weights differ but it scores the same (MSE 73.4, SSIM 0.647 on the 256 test clips,
// `dotnet run bench/notebooks/variants.cs -- --references simvp-attention`), so the committed file was kept.
using TorchSharp;
using VideoLab.Runtime;
using VideoLab.Tutorials;

bool check = args.Contains("--check");
var names = args.Where(a => a != "--check").ToArray();
if (names.Length == 0) names = [.. ReferenceRecipes.Names];
var unknown = names.Except(ReferenceRecipes.Names).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"make.cs: unknown reference {string.Join(", ", unknown)}; known: {string.Join(", ", ReferenceRecipes.Names)}.");
    return 2;
}
var folder = Path.GetFullPath(Path.Combine("notebooks", "reference"));
if (!Directory.Exists(folder))
{
    Console.Error.WriteLine($"make.cs: run it from the repository root (through notebooks/reference/make.sh); {folder} does not exist.");
    return 2;
}
var output = check ? Directory.CreateTempSubdirectory("videolab-reference-").FullName : folder;
if (check && names.Contains("vqvae-prior") && !names.Contains("vqvae"))
    foreach (var file in new[] { "vqvae.weights", "vqvae.json" })                      // the prior trains on the committed VQ-VAE's codes
        File.Copy(Path.Combine(folder, file), Path.Combine(output, file));
torch.set_num_threads(2);                 // reductions split across threads: the thread count is part of the recipe
Lab.Mode = LabMode.Cpu;
var data = TutorialData.Open(LabMode.Cpu);
Console.WriteLine($"{Lab.Report()}\n{data}\nwriting to {output}");

int failures = 0;
foreach (var name in names)
{
    var clock = System.Diagnostics.Stopwatch.StartNew();
    string hash = ReferenceRecipes.Make(name, data, LabMode.Cpu, output, log: Console.WriteLine);
    Console.WriteLine($"{name}: {ReferenceRecipes.Steps(name):N0} steps in {clock.Elapsed.TotalMinutes:F1} min, SHA-256 {hash}");
    if (check)
    {
        var committed = Path.Combine(folder, name + ".weights");
        bool same = File.Exists(committed) && TutorialReferences.Sha256(committed) == hash;
        Console.WriteLine(same ? $"{name}: identical to the committed file" : $"{name}: DIFFERS from {committed}");
        if (!same) failures++;
    }
}
return failures == 0 ? 0 : 1;
