"""Held-out IPOL figures: leave one subject out when choosing the settings tuned on IPOL.

The push-off ratio, the closing-step window, the settled tail, the split step, the two turn
rules of the angular rate (the pivot fill and the turn on the spot, with or without a closing
step for a shuffle) and (with Oxford) the relative prominence were chosen
on the IPOL trials, so the IPOL figures of the defaults are in-sample. Here, for each of the
14 subjects, the same choice is made again on the other 13 subjects only
(:func:`retrowalk.motion.evaluation.held_out_ipol`, over the grid below, which holds the
defaults) and that subject's trials are counted with the settings so chosen.
"""

from __future__ import annotations

import dataclasses
import itertools

from retrowalk.motion.analysis import DEFAULT_SETTINGS, AnalysisSettings
from retrowalk.motion.evaluation import default_oxford_dir, evaluate_ipol, held_out_ipol

PROMINENCES = (0.6, 0.7, 0.8)
CLOSING_WINDOWS = ((0.0, 0.0), (0.5, 1.2), (0.5, 1.5))
PUSH_OFF_RATIOS = (0.0, 0.9)
PIVOT_FILLS = ((0.0, 0.0), (1.4, 2.5))
"""(fill_angle_rad, fill_ratio); a ratio of 0 turns the pivot fill off."""
SETTLED_TAILS = ((0.0, 0.0), (0.15, 1.4))
"""(weak, gap) of ``BoutParams.settled_tail``; (0, 0) turns it off."""
SPLIT_STEPS = ((0.0, 0.0), (0.8, 1.5))
"""(short, total) of ``BoutParams.split_step``; (0, 0) turns it off."""
SHUFFLE_CLOSING = (True, False)
TURNS_ON_THE_SPOT = ((0.0, 0), (0.5, 0), (0.5, 10), (1.0, 10))
"""(step_interval_s, shuffle_steps): seconds per step of a turn on the spot (0: the rule
off), and the bout length below which a bout around one is counted as the turn (0: never)."""


def candidates() -> dict[str, AnalysisSettings]:
    """Every combination of the grid, named by its values."""
    out = {}
    grid = itertools.product(
        PROMINENCES,
        CLOSING_WINDOWS,
        PUSH_OFF_RATIOS,
        SETTLED_TAILS,
        PIVOT_FILLS,
        TURNS_ON_THE_SPOT,
        SHUFFLE_CLOSING,
        SPLIT_STEPS,
    )
    for (
        prominence,
        window,
        push_off,
        settled,
        (fill_angle, fill_ratio),
        (turn_step, shuffle),
        shuffle_closing,
        split,
    ) in grid:
        if shuffle == 0 and not shuffle_closing:
            continue  # without the shuffle rule there is no shuffle to close
        steps = dataclasses.replace(DEFAULT_SETTINGS.steps, relative_prominence=prominence)
        bouts = dataclasses.replace(
            DEFAULT_SETTINGS.bouts,
            closing_window=window,
            push_off_ratio=push_off,
            settled_tail=settled,
            shuffle_closing=shuffle_closing,
            split_step=split,
        )
        turns = dataclasses.replace(
            DEFAULT_SETTINGS.turns,
            fill_angle_rad=fill_angle,
            fill_ratio=fill_ratio,
            step_interval_s=turn_step,
            shuffle_steps=shuffle,
        )
        name = (
            f"prominence {prominence}, closing {window[0]}–{window[1]}, push-off {push_off}, "
            f"settled tail {settled[0]} × / {settled[1]} ×, "
            f"pivot fill {fill_angle} rad × {fill_ratio}, turn step {turn_step} s, "
            f"shuffle below {shuffle} steps{' with' if shuffle_closing else ' without'} "
            f"a closing step, split step {split[0]} × / {split[1]} ×"
        )
        out[name] = dataclasses.replace(DEFAULT_SETTINGS, steps=steps, bouts=bouts, turns=turns)
    return out


def main() -> None:
    folder = default_oxford_dir().parent / "ipol-lower-back-gait" / "trials"
    in_sample = evaluate_ipol(folder)
    held = held_out_ipol(folder, candidates())
    print(
        f"IPOL, defaults (in-sample): whole median {in_sample.median_abs_whole_error_pct:.2f} %"
        f" worst {in_sample.max_abs_whole_error_pct:.2f} %; in trial median "
        f"{in_sample.median_abs_count_error_pct:.2f} % worst "
        f"{in_sample.max_abs_in_trial_error_pct:.2f} %"
    )
    print(
        f"IPOL, leave one subject out: whole median {held.median_abs_whole_error_pct:.2f} %"
        f" worst {held.max_abs_whole_error_pct:.2f} %; in trial median "
        f"{held.median_abs_in_trial_error_pct:.2f} % worst "
        f"{held.max_abs_in_trial_error_pct:.2f} %"
    )
    for name, trials in sorted(held.chosen.items(), key=lambda kv: -kv[1]):
        print(f"  chosen for {trials} trials: {name}")


if __name__ == "__main__":
    main()
