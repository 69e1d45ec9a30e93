"""Fetching pinned files: from a mirror root, from a local HTTP server, and registry parsing."""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import http.server
import threading
from pathlib import Path

import pytest

from multivector.core import paths
from multivector.core.errors import ChecksumError, SourceError
from multivector.sources import fetch as fetch_mod
from multivector.sources.fetch import fetch
from multivector.sources.registry import (
    FileEntry,
    _read_registry_tsv,
    file_entries,
    sources,
)

PAYLOAD = b"rcid,date,me\n" + b"".join(f"{i},2001-01-01,0\n".encode() for i in range(400))
MIRROR_PATH = "github/example/repo/0123abcd/data/sample (v2).csv"


def _entry(mirror_path: str, content: bytes, url: str = "https://example.invalid/x") -> FileEntry:
    return FileEntry(mirror_path=mirror_path, url=url,
                     sha256=hashlib.sha256(content).hexdigest(), bytes=len(content),
                     licence="CC0")


def _files_under(root: Path) -> list[Path]:
    """Every non-directory entry under ``root`` (temporary and partial files included)."""
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if not p.is_dir())


# --------------------------------------------------------------------------- mirror root


@pytest.fixture
def mirror_root(tmp_path) -> Path:
    root = tmp_path / "mirror"
    target = root / MIRROR_PATH
    target.parent.mkdir(parents=True)
    target.write_bytes(PAYLOAD)
    return root


def test_mirror_ok_returns_the_mirror_path_unchanged(mirror_root):
    entry = _entry(MIRROR_PATH, PAYLOAD)
    got = fetch(entry, mirror=mirror_root)
    assert got == mirror_root / MIRROR_PATH
    assert got.read_bytes() == PAYLOAD
    # read in place, never copied into the cache
    assert _files_under(paths.cache_dir()) == []


def test_mirror_from_environment(mirror_root, monkeypatch):
    monkeypatch.setenv("MULTIVECTOR_MIRROR", str(mirror_root))
    entry = _entry(MIRROR_PATH, PAYLOAD)
    assert fetch(entry) == mirror_root.resolve() / MIRROR_PATH
    assert fetch_mod.is_available(entry)


def test_mirror_wrong_size_raises_checksum_error_naming_the_path(mirror_root):
    target = mirror_root / MIRROR_PATH
    target.write_bytes(PAYLOAD[:-10])
    entry = _entry(MIRROR_PATH, PAYLOAD)
    with pytest.raises(ChecksumError) as exc:
        fetch(entry, mirror=mirror_root)
    msg = str(exc.value)
    assert str(target) in msg
    assert str(len(PAYLOAD)) in msg and str(len(PAYLOAD) - 10) in msg
    assert not fetch_mod.is_available(entry, mirror=mirror_root)


def test_mirror_wrong_checksum_same_size_raises_checksum_error(mirror_root):
    target = mirror_root / MIRROR_PATH
    corrupt = bytearray(PAYLOAD)
    corrupt[5] ^= 0xFF
    target.write_bytes(bytes(corrupt))
    entry = _entry(MIRROR_PATH, PAYLOAD)
    with pytest.raises(ChecksumError) as exc:
        fetch(entry, mirror=mirror_root)
    msg = str(exc.value)
    assert str(target) in msg
    assert entry.sha256 in msg
    assert hashlib.sha256(bytes(corrupt)).hexdigest() in msg


def test_mirror_missing_file_raises_source_error(mirror_root):
    entry = _entry("github/example/repo/0123abcd/data/absent.csv", PAYLOAD)
    with pytest.raises(SourceError) as exc:
        fetch(entry, mirror=mirror_root)
    assert not isinstance(exc.value, ChecksumError)
    assert entry.mirror_path in str(exc.value)
    assert not fetch_mod.is_available(entry, mirror=mirror_root)


def test_sha256_of_reads_in_chunks(tmp_path):
    p = tmp_path / "f.bin"
    p.write_bytes(PAYLOAD)
    assert fetch_mod.sha256_of(p, chunk=7) == hashlib.sha256(PAYLOAD).hexdigest()


# --------------------------------------------------------------------------- file:// URLs


@pytest.fixture
def local_file(tmp_path) -> Path:
    p = tmp_path / "my files" / "DOTS_Kazakhstan (2024).xlsx"
    p.parent.mkdir()
    p.write_bytes(PAYLOAD)
    return p


def _file_url(path: Path) -> str:
    return path.as_uri()  # percent-encodes spaces and parentheses


def test_file_url_is_verified_and_read_in_place(local_file, tmp_path):
    entry = _entry("github/x/y/abc/data/DOTS/DOTS_Kazakhstan.xlsx", PAYLOAD,
                   url=_file_url(local_file))
    assert "%20" in entry.url
    assert fetch(entry) == local_file
    # a file:// entry is read from its own path even when a mirror is set
    assert fetch(entry, mirror=tmp_path / "empty-mirror") == local_file
    assert _files_under(paths.cache_dir()) == []


def test_file_url_wrong_bytes_and_missing(local_file):
    url = _file_url(local_file)
    wrong = _entry("github/x/y/abc/data/DOTS/DOTS_Kazakhstan.xlsx", PAYLOAD + b"!", url=url)
    with pytest.raises(ChecksumError) as exc:
        fetch(wrong)
    assert str(local_file) in str(exc.value)
    corrupt = bytearray(PAYLOAD)
    corrupt[-2] ^= 0x01
    same_size = _entry("github/x/y/abc/data/DOTS/DOTS_Kazakhstan.xlsx", bytes(corrupt),
                       url=url)
    with pytest.raises(ChecksumError) as exc:
        fetch(same_size)
    assert str(local_file) in str(exc.value)
    local_file.unlink()
    gone = _entry("github/x/y/abc/data/DOTS/DOTS_Kazakhstan.xlsx", PAYLOAD, url=url)
    with pytest.raises(SourceError) as exc:
        fetch(gone)
    assert not isinstance(exc.value, ChecksumError)
    assert str(local_file) in str(exc.value)


def test_file_url_is_available(local_file):
    entry = _entry("github/x/y/abc/data/DOTS/DOTS_Kazakhstan.xlsx", PAYLOAD,
                   url=_file_url(local_file))
    fetch(entry)  # readable now, without the network
    assert fetch_mod.is_available(entry)


# --------------------------------------------------------------------------- network


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the base class's signature
        pass


class _CutHandler(http.server.BaseHTTPRequestHandler):
    """Announces the full length, sends half of it and closes the connection."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        self.wfile.write(PAYLOAD[: len(PAYLOAD) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format, *args):
        pass


def _serve(handler, request):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    request.addfinalizer(stop)
    return server


@pytest.fixture
def no_proxy(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def server(tmp_path, request, no_proxy):
    """A real HTTP server on 127.0.0.1 serving ``tmp_path / "www"``; yields (root, base_url)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    srv = _serve(handler, request)
    host, port = srv.server_address[:2]
    return root, f"http://{host}:{port}"


def _publish(root: Path, rel: str, content: bytes) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(content)


def test_download_lands_in_cache_verified(server):
    root, base = server
    _publish(root, "files/sample (v2).csv", PAYLOAD)
    entry = _entry(MIRROR_PATH, PAYLOAD, url=f"{base}/files/sample (v2).csv")
    got = fetch(entry)
    expected = paths.cache_dir() / MIRROR_PATH
    assert Path(got) == expected
    assert hashlib.sha256(expected.read_bytes()).hexdigest() == entry.sha256
    assert expected.read_bytes() == PAYLOAD
    assert _files_under(paths.cache_dir()) == [expected]
    assert fetch_mod.is_available(entry)
    # a verified cached copy is used as is: the server no longer has the file
    (root / "files" / "sample (v2).csv").unlink()
    assert fetch(entry) == expected
    assert expected.read_bytes() == PAYLOAD


def test_truncated_download_raises_and_caches_nothing(server):
    root, base = server
    _publish(root, "files/data.csv", PAYLOAD[: len(PAYLOAD) // 3])
    entry = _entry("github/example/repo/0123abcd/data/data.csv", PAYLOAD,
                   url=f"{base}/files/data.csv")
    with pytest.raises(ChecksumError) as exc:
        fetch(entry)
    assert entry.mirror_path in str(exc.value)
    assert _files_under(paths.cache_dir()) == []
    assert not fetch_mod.is_available(entry)


def test_connection_cut_mid_transfer_caches_nothing(request, no_proxy):
    srv = _serve(_CutHandler, request)
    host, port = srv.server_address[:2]
    entry = _entry("github/example/repo/0123abcd/data/cut.csv", PAYLOAD,
                   url=f"http://{host}:{port}/cut.csv")
    with pytest.raises(SourceError) as exc:
        fetch(entry)
    assert entry.mirror_path in str(exc.value)
    assert _files_under(paths.cache_dir()) == []


def test_corrupt_cached_file_is_fetched_again(server, caplog):
    root, base = server
    _publish(root, "files/data.csv", PAYLOAD)
    entry = _entry("github/example/repo/0123abcd/data/data.csv", PAYLOAD,
                   url=f"{base}/files/data.csv")
    cached = Path(fetch(entry))
    assert cached.read_bytes() == PAYLOAD
    # same length, different bytes: only the checksum can tell
    cached.write_bytes(b"x" * len(PAYLOAD))
    with caplog.at_level("WARNING", logger="multivector.sources.fetch"):
        again = Path(fetch(entry))
    assert again == cached
    assert again.read_bytes() == PAYLOAD
    assert any("corrupt" in r.getMessage() for r in caplog.records)
    assert _files_under(paths.cache_dir()) == [cached]


def test_corrupt_cache_and_failed_refetch_leaves_no_unverified_file(server):
    root, base = server
    _publish(root, "files/data.csv", PAYLOAD)
    entry = _entry("github/example/repo/0123abcd/data/data.csv", PAYLOAD,
                   url=f"{base}/files/data.csv")
    cached = Path(fetch(entry))
    cached.write_bytes(b"x" * len(PAYLOAD))
    _publish(root, "files/data.csv", PAYLOAD[:100])  # upstream now truncated
    with pytest.raises(ChecksumError):
        fetch(entry)
    assert _files_under(paths.cache_dir()) == []


def test_http_404_raises_source_error_and_caches_nothing(server):
    _, base = server
    entry = _entry("github/example/repo/0123abcd/data/missing.csv", PAYLOAD,
                   url=f"{base}/files/missing.csv")
    with pytest.raises(SourceError) as exc:
        fetch(entry)
    assert not isinstance(exc.value, ChecksumError)
    msg = str(exc.value)
    assert entry.mirror_path in msg
    assert "404" in msg
    assert _files_under(paths.cache_dir()) == []


# --------------------------------------------------------------------------- registry

HEADER = "mirror_path\turl\tsha256\tbytes\tlicence"
GOOD_SHA = "0123456789abcdef" * 4


def _row(path="a/b.csv", url="https://h.example/a/b.csv", sha=GOOD_SHA, size="10",
         licence="CC0"):
    return "\t".join([path, url, sha, size, licence])


def test_registry_parses_good_rows_and_skips_blank_lines():
    text = "\n".join([HEADER, _row(), "", _row(path="c/d.csv", size="42", licence="MIT")])
    got = _read_registry_tsv(text, "test.tsv")
    assert got == [
        FileEntry("a/b.csv", "https://h.example/a/b.csv", GOOD_SHA, 10, "CC0"),
        FileEntry("c/d.csv", "https://h.example/a/b.csv", GOOD_SHA, 42, "MIT"),
    ]


@pytest.mark.parametrize("header", [
    "path\turl\tsha256\tbytes\tlicence",
    "mirror_path,url,sha256,bytes,licence",
    "url\tmirror_path\tsha256\tbytes\tlicence",
    "",
])
def test_registry_rejects_bad_header(header):
    with pytest.raises(SourceError) as exc:
        _read_registry_tsv("\n".join([header, _row()]), "extra.tsv")
    assert "extra.tsv" in str(exc.value)
    assert "header" in str(exc.value)


@pytest.mark.parametrize(("bad_row", "words"), [
    ("a/b.csv\thttps://h/a\t" + GOOD_SHA + "\t10", ["5 columns", "got 4"]),
    (_row(sha="g" * 64), ["sha256", "g" * 64]),
    (_row(sha=GOOD_SHA[:-1]), ["sha256"]),
    (_row(sha=GOOD_SHA.upper()), ["sha256"]),
    (_row(size="12kB"), ["bytes", "12kB"]),
    (_row(size="1.5"), ["bytes", "1.5"]),
])
def test_registry_rejects_bad_rows_naming_the_row(bad_row, words):
    # the bad row is the 4th line of the file (header, good row, blank line, bad row)
    text = "\n".join([HEADER, _row(), "", bad_row, _row()])
    with pytest.raises(SourceError) as exc:
        _read_registry_tsv(text, "extra.tsv")
    msg = str(exc.value)
    assert msg.startswith("extra.tsv, row 4:")
    for w in words:
        assert w in msg


@pytest.fixture
def fresh_registry():
    file_entries.cache_clear()
    sources.cache_clear()
    yield
    file_entries.cache_clear()
    sources.cache_clear()


def test_extra_registry_is_appended_and_assigned(tmp_path, monkeypatch, fresh_registry):
    packaged = len(file_entries())
    file_entries.cache_clear()
    sources.cache_clear()
    extra = tmp_path / "extra.tsv"
    path = "github/SamLeBlanc/Direction-of-Trade-Map/mine/data/DOTS/DOTS_Kazakhstan 2024.xlsx"
    extra.write_text("\n".join([HEADER, _row(path=path, url="file:///tmp/k.xlsx", size="7")])
                     + "\n")
    monkeypatch.setenv("MULTIVECTOR_EXTRA_REGISTRY", str(extra))
    entries = file_entries()
    assert len(entries) == packaged + 1
    assert entries[-1] == FileEntry(path, "file:///tmp/k.xlsx", GOOD_SHA, 7, "CC0")
    assert entries[-1] in sources()["dots"].files


def test_extra_registry_errors_name_the_file(tmp_path, monkeypatch, fresh_registry):
    extra = tmp_path / "my_registry.tsv"
    extra.write_text("\n".join([HEADER, _row(size="many")]) + "\n")
    monkeypatch.setenv("MULTIVECTOR_EXTRA_REGISTRY", str(extra))
    with pytest.raises(SourceError) as exc:
        file_entries()
    assert str(exc.value).startswith(f"{extra}, row 2:")


def test_every_packaged_file_belongs_to_exactly_one_source():
    entries = file_entries()
    assert len(entries) > 0
    all_sources = sources()
    owners: dict[str, list[str]] = {}
    for name, src in all_sources.items():
        for f in src.files:
            owners.setdefault(f.mirror_path, []).append(name)
    unassigned = [e.mirror_path for e in entries if e.mirror_path not in owners]
    assert unassigned == []
    assert {p: o for p, o in owners.items() if len(o) != 1} == {}
    assert sum(len(s.files) for s in all_sources.values()) == len(entries)
    # and the owner is the first source (in file order) with a matching pattern
    order = list(all_sources)
    for e in entries:
        first = next(n for n in order
                     if any(fnmatch.fnmatchcase(e.mirror_path, p)
                            for p in all_sources[n].patterns))
        assert owners[e.mirror_path] == [first]


def test_every_source_has_files_and_a_citation():
    for name, src in sources().items():
        assert src.files, name
        assert src.citation.strip(), name
        assert src.total_bytes == sum(f.bytes for f in src.files)


@pytest.mark.parametrize(("url", "expected"), [
    ("https://raw.githubusercontent.com/owid/owid-datasets/abc/datasets/"
     "Mineral production (BGS (2016))/Mineral production (BGS (2016)).csv",
     "https://raw.githubusercontent.com/owid/owid-datasets/abc/datasets/"
     "Mineral%20production%20%28BGS%20%282016%29%29/"
     "Mineral%20production%20%28BGS%20%282016%29%29.csv"),
    ("http://127.0.0.1:8080/a b/c(d).csv", "http://127.0.0.1:8080/a%20b/c%28d%29.csv"),
    ("https://h.example/plain/path.csv", "https://h.example/plain/path.csv"),
])
def test_download_url_percent_encodes_the_path_only(url, expected):
    entry = FileEntry("x", url, GOOD_SHA, 1, "CC0")
    assert entry.download_url == expected


def test_download_url_of_packaged_owid_files():
    owid = [e for e in file_entries() if " " in e.url]
    assert owid, "the packaged registry has paths with spaces (OWID)"
    for e in owid:
        scheme, _, rest = e.url.partition("://")
        host = rest.split("/", 1)[0]
        assert e.download_url.startswith(f"{scheme}://{host}/")
        tail = e.download_url[len(f"{scheme}://{host}/"):]
        assert " " not in tail and "(" not in tail and ")" not in tail
        assert "%20" in tail


def test_source_file_lookup_by_suffix():
    src = sources()["unga_wide"]
    assert src.file("ungaVoting_003.csv").name == "ungaVoting_003.csv"
    with pytest.raises(SourceError):
        sources()["wdi"].file("data.csv")  # many indicators end so
