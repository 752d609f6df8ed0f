namespace VideoLab.Interop;

/// <summary>
/// VideoGPT's VQ-VAE (wilson1yan/VideoGPT, videogpt/vqvae.py) against VideoLab's <see cref="Models.VqVae"/>: the
/// codebooks correspond (VideoGPT's <c>codebook.embeddings</c>, <c>N</c>, <c>z_avg</c> are VideoLab's codebook and EMA
/// count and sum), but the networks around them do not, so no renaming of the weights reproduces VideoGPT's outputs
/// and the importer refuses. The differences, each enough on its own:
/// <list type="number">
/// <item>every residual block of VideoGPT ends in axial attention over t, h and w (<c>res_stack.N.block.8.attn_{t,h,w}</c>:
/// <c>w_qs</c>, <c>w_ks</c>, <c>w_vs</c>, <c>fc</c>); VideoLab's <c>ResBlock3d</c> has none;</item>
/// <item>VideoGPT's encoder starts with the kernel-4 stride-2 downsampling convolutions (<c>encoder.convs</c>, 3 input
/// channels) padded asymmetrically ("same" padding through F.pad) and ends with a 3×3×3 <c>conv_last</c>; VideoLab's starts
/// with a 3×3×3 <c>conv_in</c> and pads its downsampling convolutions symmetrically;</item>
/// <item>VideoGPT's <c>pre_vq_conv</c> and <c>post_vq_conv</c> are 1×1×1; VideoLab's decoder starts with a 3×3×3 <c>from_embedding</c>;</item>
/// <item>VideoGPT's last transposed convolution outputs the 3 RGB channels directly (values around [−0.5, 0.5]);
/// VideoLab ends with a 3×3×3 <c>conv_out</c> and a sigmoid ([0, 1]).</item>
/// </list>
/// </summary>
public static class VideoGptVqVae
{
    /// <summary>The refusal, with what the file holds when it looks like VideoGPT's VQ-VAE.</summary>
    public static ArchitectureMismatchException Refusal(StateDict? file = null)
    {
        string found = "";
        if (file is not null)
        {
            int attention = file.Keys.Count(k => k.Contains(".attn_", StringComparison.Ordinal));
            bool videoGpt = file.ContainsKey("codebook.embeddings") && file.Keys.Any(k => k.StartsWith("encoder.res_stack.", StringComparison.Ordinal));
            found = videoGpt
                ? $" {file.Source} is VideoGPT's VQ-VAE: it holds {attention} axial-attention tensors (e.g. {file.Keys.FirstOrDefault(k => k.Contains(".attn_w.")) ?? "attn_w"}) " +
                  "that VideoLab's model has no place for."
                : $" ({file.Source} does not even look like VideoGPT's VQ-VAE: no codebook.embeddings or encoder.res_stack tensors.)";
        }
        return new ArchitectureMismatchException(
            "VideoGPT's VQ-VAE cannot be imported into VideoLab's vqvae: the architectures differ, so no renaming of the weights is exact." + found +
            "\n  1. VideoGPT's residual blocks end in axial attention over t, h, w (res_stack.N.block.8.attn_t/h/w: w_qs, w_ks, w_vs, fc); VideoLab's ResBlock3d has none." +
            "\n  2. VideoGPT's encoder downsamples first (encoder.convs: kernel 4, stride 2, asymmetric 'same' padding) and then applies conv_last 3×3×3; " +
            "VideoLab's starts with conv_in 3×3×3 and pads symmetrically." +
            "\n  3. VideoGPT's pre_vq_conv/post_vq_conv are 1×1×1; VideoLab's decoder starts with a 3×3×3 from_embedding." +
            "\n  4. VideoGPT's last transposed convolution outputs RGB directly; VideoLab ends with conv_out 3×3×3 and a sigmoid." +
            "\n  The codebook alone (codebook.embeddings, N, z_avg) would fit VideoLab's quantiser, but it is useless without the encoder and decoder it was trained with.");
    }
}
