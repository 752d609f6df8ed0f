#!/usr/bin/env bash
# Remakes the tutorials' reference checkpoints with notebooks/reference/make.cs (see its header for the arguments).
# The environment below is part of the recipe: it makes the weights the same bit for bit on any x86-64 CPU with AVX2.
set -euo pipefail
cd "$(dirname "$0")/../.."
export MKL_CBWR=COMPATIBLE        # MKL takes the same code path whatever the CPU
export ONEDNN_MAX_CPU_ISA=AVX2    # oneDNN uses its AVX2 kernels on AVX-512 machines too
export ATEN_CPU_CAPABILITY=avx2   # and so do ATen's own vectorised loops (without it an AVX-512 CPU's weights differ)
export OMP_NUM_THREADS=2          # with torch.set_num_threads(2) in make.cs: the same split of every reduction
exec dotnet run notebooks/reference/make.cs -- "$@"
