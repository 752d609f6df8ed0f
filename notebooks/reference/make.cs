#:project ../../src/VideoLab/VideoLab.csproj
#:property PublishAot=false
// Makes the tutorials' reference checkpoints (notebooks/reference/NAME.weights and NAME.json): models of the notebooks'
// cpu-mode size, trained on the cpu-mode clips for longer than a notebook can afford. Run it through make.sh, which sets
// the environment that makes the weights reproducible bit for bit:
//
//   notebooks/reference/make.sh                  all references, in dependency order (the prior needs the VQ-VAE)
//   notebooks/reference/make.sh mocogan          one of them
//   notebooks/reference/make.sh --check mocogan  retrain into a temporary folder and compare SHA-256 with the committed file
using TorchSharp;
using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Training;
using VideoLab.Tutorials;

string[] all = ["mocogan", "vqvae", "vqvae-prior"];
bool check = args.Contains("--check");
var names = args.Where(a => a != "--check").ToArray();
if (names.Length == 0) names = all;
var unknown = names.Except(all).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"make.cs: unknown reference {string.Join(", ", unknown)}; known: {string.Join(", ", all)}.");
    return 2;
}
var folder = Path.GetFullPath(Path.Combine("notebooks", "reference"));
if (!Directory.Exists(folder))
{
    Console.Error.WriteLine($"make.cs: run it from the repository root (through notebooks/reference/make.sh); {folder} does not exist.");
    return 2;
}
var output = check ? Directory.CreateTempSubdirectory("videolab-reference-").FullName : folder;
torch.set_num_threads(2);                 // reductions split across threads: the thread count is part of the recipe
Lab.Mode = LabMode.Cpu;
var data = TutorialData.Open(LabMode.Cpu);
Console.WriteLine($"{Lab.Report()}\n{data}\nwriting to {output}");

int failures = 0;
foreach (var name in names)
{
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var (module, spec, description, steps) = Train(name);
    string hash = TutorialReferences.Save(output, name, module, spec, description, steps, $"notebooks/reference/make.sh {name}");
    Console.WriteLine($"{name}: {steps:N0} steps in {clock.Elapsed.TotalMinutes:F1} min, SHA-256 {hash}");
    if (check)
    {
        var committed = Path.Combine(folder, name + ".weights");
        bool same = File.Exists(committed) && TutorialReferences.Sha256(committed) == hash;
        Console.WriteLine(same ? $"{name}: identical to the committed file" : $"{name}: DIFFERS from {committed}");
        if (!same) failures++;
    }
}
return failures == 0 ? 0 : 1;

// Each reference: the registered model at its cpu-mode size, fitted to the cpu-mode clips, trained by the library's method.
(nn.Module Module, ModelSpec Spec, string Description, long Steps) Train(string name)
{
    var entry = ModelRegistry.Get(name);
    var config = ModelSetup.FitToData(entry, TutorialModels.Config(name, LabMode.Cpu), data.Shape, data.Context, data.Horizon);
    if (config is CodePriorConfig prior)
    {
        var vqvae = (VqVae)(TutorialReferences.Load("vqvae", output)?.Model
                            ?? throw new InvalidOperationException("The prior needs the VQ-VAE reference: make 'vqvae' first."));
        config = prior with
        {
            CodebookSize = vqvae.Config.CodebookSize, DownsampleT = vqvae.Config.DownsampleT,
            DownsampleH = vqvae.Config.DownsampleH, DownsampleW = vqvae.Config.DownsampleW,
        };
    }
    Lab.Seed(0);
    var model = entry.Build(config).to(Lab.Device);
    var (method, steps, description) = model switch
    {
        MoCoGan gan => ((ITrainingMethod)new GanMethod(gan, new MethodSettings(LearningRate: 2e-4, DiscriminatorLearningRate: 4e-4)), 6_000L,
                        "MoCoGAN at the cpu-mode size, trained on 32×32 bouncing shapes (10 frames) with the non-saturating loss, Adam (β₁ 0.5), " +
                        "learning rates 2e-4 (G) and 4e-4 (D), batch 16, gradients clipped to 1: notebook 05's loop, run by GanMethod"),
        VqVae vq => (new VqVaeMethod(vq, new MethodSettings(LearningRate: 3e-4)), 6_000L,
                     "VQ-VAE at the cpu-mode size, trained on 32×32 bouncing shapes (10 frames), Adam 3e-4, batch 16, gradients clipped to 1, " +
                     "EMA codebook with dead-code restarts"),
        CodePrior p => (new PriorMethod(p, (VqVae)TutorialReferences.Load("vqvae", output)!.Model, new MethodSettings(LearningRate: 1e-3)), 6_000L,
                        "code prior at the cpu-mode size, trained on the codes the VQ-VAE reference gives 32×32 bouncing shapes, Adam 1e-3, batch 16, " +
                        "gradients clipped to 1"),
        _ => throw new InvalidOperationException($"No recipe for '{name}'."),
    };
    var trainer = new Trainer(method, new TrainerSettings(Steps: steps, Seed: 0, LogEvery: 200, ValidateEvery: 0, CheckpointEvery: 0, ClipGradNorm: 1.0));
    trainer.Logged += r => Console.WriteLine($"{name} step {r.Step}: " + string.Join(", ", r.Values.Select(kv => $"{kv.Key} {kv.Value:G4}")));
    trainer.Fit(data.TrainLoader(Tutorial.BatchSize));
    return (model, ModelSpec.Of(entry, config), description, steps);
}
