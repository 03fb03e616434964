"""Log-prob of the MT given the source under a multilingual causal LM (Gemma 3 270M by default).

Each row is ``<bos>`` + prompt (:func:`mtcheck.source.prompt.prompt_for`) + `` `` + MT piece. The
model runs over the whole row, but the vocabulary projection (262,144 outputs for Gemma, most of the
work) runs only at the positions that predict an MT token, in chunks, with the log-softmax fused into
:func:`mtcheck.backends.causal_lm.token_nll`. Rows are scored one at a time: prompts differ in
length, and padding would move scores by ~1e-5 and cost attention work for nothing.

The model is loaded through the same path as the fluency LM (:meth:`CausalLMScorer.load`: the card's
converted copy in the store, or a local folder), so a tiny Gemma-architecture model saved with
``save_pretrained`` exercises exactly this code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from mtcheck.errors import ModelError

if TYPE_CHECKING:
    from mtcheck.backends.causal_lm import CausalLMScorer
    from mtcheck.backends.store import Progress

# The card of the default source-aware model (mtcheck/models/gemma3-270m.toml).
DEFAULT_MODEL = "gemma3-270m"
# Longest row in tokens; a longer prompt loses its start (the example first, then early source).
MAX_TOKENS = 4096


class SourceAwareScorer:
    """Scores MT pieces given their prompts; ``name`` goes into the report signature."""

    def __init__(self, lm: CausalLMScorer) -> None:
        self.lm = lm
        self.name = lm.name
        self.tokens_scored = 0  # MT tokens, for the time-per-sentence benchmark

    @classmethod
    def load(
        cls,
        spec: str | None = None,
        device: str = "auto",
        threads: int | None = None,
        progress: Progress | None = None,
        precision: str = "auto",
    ) -> SourceAwareScorer:
        """Load ``spec`` (a card id, local folder or hub id; None: :data:`DEFAULT_MODEL`).

        ModelError when the model is neither in the store nor installed (the message names the fix).
        """
        from mtcheck.backends.causal_lm import CausalLMScorer

        return cls(CausalLMScorer.load(spec or DEFAULT_MODEL, device, threads, 1, progress, precision))

    def score(
        self,
        prompts: Sequence[str],
        targets: Sequence[str],
        progress: Callable[[int, int], None] | None = None,
    ) -> list[list[tuple[int, int, float]]]:
        """For each (prompt, target): (start, end, nats) per target token, offsets into the target.

        nats = -log p(token | prompt, earlier target tokens), natural log, >= 0. Whitespace is trimmed
        from token offsets (a token's leading space belongs to no word).
        """
        import torch

        from mtcheck.backends.causal_lm import token_nll
        from mtcheck.backends.lm_rows import trim

        if len(prompts) != len(targets):
            raise ModelError("source-aware scoring needs one prompt per MT piece")
        tok = self.lm.tokenizer
        model = self.lm.model
        out: list[list[tuple[int, int, float]]] = []
        with torch.inference_mode():
            for n, (prompt, target) in enumerate(zip(prompts, targets, strict=True)):
                head = tok(prompt, add_special_tokens=False)["input_ids"]
                enc = tok(" " + target, add_special_tokens=False, return_offsets_mapping=True)
                ids, offsets = list(enc["input_ids"]), list(enc["offset_mapping"])
                if not ids:
                    out.append([])
                    continue
                room = MAX_TOKENS - 1 - len(ids)
                head = list(head)[-room:] if room > 0 else []
                row = torch.tensor([[self.lm.prefix_id, *head, *ids]], dtype=torch.long)
                row = row.to(self.lm.device)
                first = 1 + len(head)  # position of the first MT token
                ids, offsets = ids[: row.shape[1] - first], offsets[: row.shape[1] - first]
                hidden = model.base_model(input_ids=row).last_hidden_state[0]
                # Position t predicts token t+1: the states just before each MT token.
                nll = token_nll(model, hidden[first - 1 : first - 1 + len(ids)], row[0, first:])
                self.tokens_scored += len(ids)
                spans = []
                for (start, end), value in zip(offsets, nll.float().cpu().tolist(), strict=True):
                    # Offsets count the added leading space: shift back onto the target.
                    start, end = trim(target, max(0, start - 1), max(0, end - 1))
                    spans.append((start, end, float(value)))
                out.append(spans)
                if progress is not None:
                    progress(n + 1, len(prompts))
        return out
