"""`mtcheck retranslate` and `mtcheck align`: the re-translation side, on its own."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from mtcheck.cli.common import build_config, fail
from mtcheck.cli.options import (
    ConfigOpt,
    DeviceOpt,
    EngineOpt,
    MtModelOpt,
    NoCacheOpt,
    OutputOpt,
    SrcLangOpt,
    ThreadsOpt,
)


def retranslate(
    source: Annotated[str, typer.Argument(help="Source-language article (.txt), or - for stdin.")],
    src_lang: SrcLangOpt = None,
    output: OutputOpt = None,
    mt_model: MtModelOpt = None,
    engine: EngineOpt = None,
    no_cache: NoCacheOpt = False,
    device: DeviceOpt = None,
    threads: ThreadsOpt = None,
    config_path: ConfigOpt = None,
) -> None:
    """Re-translate a source article into English (one paragraph per source paragraph)."""
    from mtcheck.backends.retranslate import retranslate as run_retranslate
    from mtcheck.models import ModelRegistry
    from mtcheck.readers import read_text_file

    config = build_config(
        config_path, src_lang=src_lang, mt_model=mt_model, engine=engine,
        no_cache=no_cache, device=device, threads=threads,
    )  # fmt: skip
    if not config.src_lang:
        fail("retranslate needs --src-lang (the language of the source text, e.g. es)")
    text = read_text_file(source, config.max_chars)
    if not text.strip():
        fail(f"{source}: the source is empty")
    translator = ModelRegistry(config.model_settings).translator(config.src_lang)
    english = run_retranslate(translator, text, config.src_lang) + "\n"
    if output is None:
        sys.stdout.write(english)
    else:
        from mtcheck.output import write_atomic

        write_atomic(output, english)


def align(
    mt: Annotated[str, typer.Argument(help="MT article (.txt, .md or .html).")],
    ref: Annotated[str, typer.Argument(help="Re-translation of the same source (.txt).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    width: Annotated[int, typer.Option("--width", help="Characters of each text shown in the table.")] = 48,
) -> None:
    """Print the sentence alignment of an MT article with a re-translation."""
    import json

    from mtcheck.adequacy import document_adequacy
    from mtcheck.align import align_documents
    from mtcheck.config import load_config
    from mtcheck.models import ModelRegistry
    from mtcheck.readers import read_article, read_text_file
    from mtcheck.segment import segment

    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    article = read_article(mt, "auto")
    mt_doc = segment(article.text, article.id)
    ref_doc = segment(read_text_file(ref), f"{article.id}:reference")
    # The embeddings setting of the nearest settings file, as `check` would align.
    encoder = ModelRegistry(load_config().model_settings).sentence_encoder()
    pairs = align_documents(mt_doc, ref_doc, encoder=encoder)
    if fmt == "json":
        out = {
            "mt": [{**s.to_json(), "text": s.text} for s in mt_doc.sentences],
            "reference": [{**s.to_json(), "text": s.text} for s in ref_doc.sentences],
            "alignment": [p.to_json() for p in pairs],
            "adequacy": document_adequacy(mt_doc, ref_doc, pairs).to_json(),
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return

    def cell(ids: tuple[int, ...], doc: Any) -> str:
        text = " ".join(doc.sentences[i].text for i in ids) or "—"
        return text if len(text) <= width else text[: width - 1] + "…"

    typer.echo(f"{'mt':>7}  {'ref':>7}  {'sim':>5}  {'chrF':>5}  {'MT':<{width}}  re-translation")
    for p in pairs:
        ids_mt = ",".join(map(str, p.mt)) or "-"
        ids_ref = ",".join(map(str, p.ref)) or "-"
        chrf = "" if p.chrf is None else f"{p.chrf:5.1f}"
        typer.echo(
            f"{ids_mt:>7}  {ids_ref:>7}  {p.similarity:5.2f}  {chrf:>5}  {cell(p.mt, mt_doc):<{width}}  "
            f"{cell(p.ref, ref_doc)}"
        )
