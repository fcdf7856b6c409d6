"""The seed axis through the engine: S models (one per seed) trained together, fast, equal to S one-seed runs.

A finding from training or from random weights rests on its seed; measured over several seeds it
becomes "holds in k of n seeds" (``lstm_helpers.support.evidence``). Training the seeds one after
the other costs S times one run; here they run as ONE model whose every array has a leading seed
axis S, so each time step is one batched matrix product and one elementwise pipeline for all seeds.

Modules, one concern each (shapes: weights (S, 4H, D), inputs (S, T, B, D), logits (S, B, C)):
    lstm     seeded_lstm_forward / seeded_lstm_backward (S LSTMs, BPTT), seeded_parameter_grads
    rnn      seeded_rnn_forward / seeded_rnn_backward (S vanilla RNNs)
    model    SeededModel (S SequenceModels stacked; forward, backward, forward_backward)
    losses   cross_entropy_per_seed, accuracy_per_seed
    optim    per-seed clipping (seed_global_norms, clip_seed_grads), SeedAdam, SeedSGD
    train    train_seeds (lh.train for S seeds, per-seed early stopping) -> SeedHistories
    parallel train_seeds(..., workers=2): the seeds split over forked processes (Linux), same results

Seeds whose batches differ in length (notebook 09's sentences) still share one pass: each runs its own
T_s steps in it (readout 'last'). On one core, S seeds cost the Python and call overhead of one pass plus,
per seed, its own matrix products and elementwise arithmetic, which cannot be shared without changing the
rounding: for the LSTMs of notebooks 08 and 09 that part is about 40 % of a one-seed step, so 5 and 8 seeds
come out near or somewhat above ``benchmarks/bench_seeds.py``'s targets (2.5× and 4×; the RNNs and the LSTMs
of 02 and 10 meet them; benchmarks/README.md). A second core (``workers=2``) halves the wall time.

The contract: for every seed s, losses, accuracies, gradient norms, evaluations and final parameters
equal those of ``lh.train(lh.SequenceModel(..., seed=s), make_batch, seed=s, ...)`` (tests/test_seeded.py:
training runs to 1e-10 in float64, single passes bit for bit; the arithmetic is the one-seed engine's
in float32 too). ``benchmarks/bench_seeds.py`` times S seeds against one seed (benchmarks/README.md).
"""
from .lstm import seeded_lstm_backward, seeded_lstm_forward, seeded_parameter_grads
from .losses import accuracy_per_seed, cross_entropy_per_seed
from .model import SeededModel
from .optim import SeedAdam, SeedSGD, clip_seed_grads, seed_global_norms
from .parallel import fork_available
from .rnn import seeded_rnn_backward, seeded_rnn_forward
from .train import SeedHistories, train_seeds

__all__ = ["SeededModel", "SeedAdam", "SeedSGD", "SeedHistories", "accuracy_per_seed", "clip_seed_grads",
           "cross_entropy_per_seed", "fork_available", "seed_global_norms", "seeded_lstm_backward",
           "seeded_lstm_forward", "seeded_parameter_grads", "seeded_rnn_backward", "seeded_rnn_forward", "train_seeds"]
