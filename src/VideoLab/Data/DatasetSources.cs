namespace VideoLab.Data;

/// <summary>One file to download and how to check it.</summary>
/// <param name="Name">File name, appended to the base URL and used on disk.</param>
/// <param name="BaseUrl">Where it is served (a mirror can replace it, see <see cref="Downloader.BaseUrl"/>).</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">SHA-256 of the file, lowercase hex.</param>
public sealed record RemoteFile(string Name, string BaseUrl, long Size, string Sha256);

/// <summary>A dataset that <c>videolab data download</c> fetches.</summary>
/// <param name="Name">Name on the command line.</param>
/// <param name="Folder">Sub-folder of the output folder it goes to.</param>
/// <param name="About">Where it comes from, for the user.</param>
/// <param name="Files">Its files.</param>
public sealed record RemoteDataset(string Name, string Folder, string About, IReadOnlyList<RemoteFile> Files);

/// <summary>
/// The canonical files of the datasets VideoLab downloads. Sizes and SHA-256 checksums are TensorFlow Datasets'
/// recorded ones (tensorflow/datasets, <c>tensorflow_datasets/url_checksums/{mnist,fashion_mnist,moving_mnist}.txt</c>),
/// for exactly these URLs.
/// </summary>
public static class DatasetSources
{
    const string MnistMirror = "https://storage.googleapis.com/cvdf-datasets/mnist/";
    const string FashionMnist = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    const string Toronto = "http://www.cs.toronto.edu/~nitish/unsupervised_video/";

    public static IReadOnlyList<RemoteDataset> All { get; } =
    [
        new("mnist", "mnist",
            "MNIST (LeCun et al.), the digits Moving MNIST is made of, from the CVDF mirror (yann.lecun.com no longer serves downloads reliably).",
            [
                new("train-images-idx3-ubyte.gz", MnistMirror, 9_912_422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
                new("train-labels-idx1-ubyte.gz", MnistMirror, 28_881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
                new("t10k-images-idx3-ubyte.gz", MnistMirror, 1_648_877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
                new("t10k-labels-idx1-ubyte.gz", MnistMirror, 4_542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
            ]),
        new("fashion-mnist", "fashion-mnist",
            "Fashion-MNIST (Xiao, Rasul and Vollgraf 2017), a drop-in replacement for MNIST, from Zalando Research's bucket.",
            [
                new("train-images-idx3-ubyte.gz", FashionMnist, 26_421_880, "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
                new("train-labels-idx1-ubyte.gz", FashionMnist, 29_515, "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
                new("t10k-images-idx3-ubyte.gz", FashionMnist, 4_422_102, "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
                new("t10k-labels-idx1-ubyte.gz", FashionMnist, 5_148, "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
            ]),
        new("moving-mnist", "moving-mnist",
            "The fixed Moving MNIST test set of Srivastava et al. (2015): 10,000 sequences of 20 frames, 64×64, from the authors' page.",
            [
                new("mnist_test_seq.npy", Toronto, 819_200_096, "c2a3e8d3939c001ab77bf543f130157424efa486bb4d0974d2cebb773b13f8b3"),
            ]),
    ];

    /// <summary>The dataset called <paramref name="name"/>.</summary>
    public static RemoteDataset Get(string name) =>
        All.FirstOrDefault(d => d.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown dataset '{name}' to download; expected one of: {string.Join(", ", All.Select(d => d.Name))}.");
}
