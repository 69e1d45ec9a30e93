"""Issue 11, claims files: what used to overflow, recurse or blow up memory is refused with a
message naming the file, the claim and the value; nothing changes on disk; the Python API
raises the same error with the same words. Fixtures: ``fixtures/claims``, one per pain point.
"""

from __future__ import annotations

import pathlib

import pytest

from multivector.analysis.claims import parse
from multivector.analysis.claims.parse import ClaimsFileError

CLAIMS = pathlib.Path(__file__).resolve().parent / "fixtures" / "claims"


def _flat(text: str) -> str:
    return " ".join(text.split())


BAD = {
    "stated_10_pow_400": ("claim 'huge-stated' (#1), check 1: 'stated' must be a number; it is "
                          "too large or not finite (value: a number of about 400 digits)"),
    "rank_10_pow_400": ("claim 'huge-rank' (#1), check 1: 'rank' must be a whole number from 1 "
                        "to 10,000 (value: a number of about 400 digits)"),
    "alias_bomb": ("line 4, column 10: not valid YAML: aliases (*a) are not allowed in a claims "
                   "file: write the value out"),
    "nesting_2000_levels": "line 2, column 28: not valid YAML: nested more than 20 levels deep",
}


@pytest.mark.parametrize("name", BAD, ids=list(BAD))
def test_bad_claims_file(cli_clean, name):
    path = CLAIMS / f"{name}.yaml"
    res = cli_clean(["claims", "check", path], CLAIMS)
    assert res.exit_code == 1
    assert res.stdout == ""
    message = f"{path}, {BAD[name]}"
    assert _flat(res.stderr) == f"error: {message}"
    with pytest.raises(ClaimsFileError) as exc:
        parse.load_claims(path)
    assert str(exc.value) == message


def test_claims_file_over_the_size_limit(cli_clean):
    path = pathlib.Path("big.yaml").resolve()
    path.write_text("source: x\n" + "#" * parse.MAX_BYTES + "\n")
    res = cli_clean(["claims", "check", path])
    assert res.exit_code == 1
    assert _flat(res.stderr) == (f"error: {path}: too large: 1,000,011 bytes (at most "
                                 "1,000,000); split it into several files")


def test_a_folder_is_not_a_claims_file(cli_clean):
    res = cli_clean(["claims", "check", CLAIMS])
    assert _flat(res.stderr) == f"error: {CLAIMS}: is a folder, not a claims file"


def test_an_anchor_without_alias_is_still_read(tmp_path):
    path = tmp_path / "anchor.yaml"
    path.write_text((CLAIMS / "three_verdicts.yaml").read_text().replace("claims:",
                                                                         "claims: &all", 1))
    parsed = parse.load_claims(path)
    assert len(parsed.claims) == len(parse.load_claims(CLAIMS / "three_verdicts.yaml").claims)
