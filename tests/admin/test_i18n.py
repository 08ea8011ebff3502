"""The admin in English: every flash message, form problem and form label has an English entry.

Two kinds of test. A completeness check reads the source (AST for admin/*.py and bot/, a regex for
the templates): what is flashed must go through the dictionary, and every text it can look up must
be in it with the same placeholders. Then a few actions through the test client with EN chosen,
asserting the English message the officer reads.
"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import admin
import bot
from admin import i18n
from store.db import session_scope
from store.models import Answer, Draft

ADMIN = Path(admin.__file__).parent
BOT = Path(bot.__file__).parent
TEMPLATES = ADMIN / "templates" / "admin"
# the printed forwarding form is an official Indonesian paper on purpose (DESIGN-NOTES)
INDONESIAN_ON_PURPOSE = {"print.html"}
# attribute values that are not words to translate
NOT_WORDS = {
    "0812...": "a phone number's start",
    "uang damai": "an example lexicon term: the terms are Indonesian data",
    "{{ factors[p] }} × SLA": "a number",
}
# looked up, and the same words in English: names, and Jinja's own error text
SAME_IN_ENGLISH = {"SMS", "Telegram", "WhatsApp", "%(type)s: %(error)s"}
# calls whose argument (at this position) is a dictionary key: translated now or where it is shown
LOOKUPS = {"tr": 0, "Problem": 0, "ProblemError": 0}
HELPERS = {("ticket_ops.py", "_back"): 1}  # flashes tr(its argument)
PLACEHOLDER = re.compile(r"%\((\w+)\)")
ATTRIBUTE = re.compile(r"""\b(aria-label|title|placeholder)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
LOOKUP = re.compile(r"""^\{\{\s*_\((['"])(.+?)\1\)\s*\}\}$""", re.S)
IN_TEMPLATE = re.compile(r"""\b_\(\s*(['"])(.+?)\1\s*\)""", re.S)


class Source:
    """One module's syntax tree, its module-level assignments and what it imports by name."""

    def __init__(self, path: Path, package: str) -> None:
        self.path, self.tree = path, ast.parse(path.read_text(encoding="utf-8"))
        self.consts: dict[str, ast.expr] = {}
        self.imports: dict[str, tuple[str, str | None]] = {}
        for node in self.tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                self.consts[node.targets[0].id] = node.value
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    # `from admin import display` names a module; `from admin.x import NAME` a value
                    self.imports[alias.asname or alias.name] = (node.module, alias.name)
        self.package = package


def _sources() -> dict[str, Source]:
    found = {f"admin.{p.stem}": Source(p, "admin") for p in ADMIN.glob("*.py")}
    for path in BOT.rglob("*.py"):
        name = ".".join(path.relative_to(BOT.parent).with_suffix("").parts)
        found[name] = Source(path, "bot")
    return found


SOURCES = _sources()


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _function(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.AST | None:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.Lambda):
            return node
    return None


def _params(func: ast.AST | None) -> set[str]:
    if not isinstance(func, ast.FunctionDef | ast.Lambda):
        return set()
    a = func.args
    names = [*a.posonlyargs, *a.args, *a.kwonlyargs, *filter(None, [a.vararg, a.kwarg])]
    return {x.arg for x in names}


def _local(func: ast.AST | None, name: str) -> list[ast.expr]:
    """What a local variable is assigned in the function (plain and walrus assignments)."""
    if func is None:
        return []
    found: list[ast.expr] = []
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            found += [node.value for t in node.targets if isinstance(t, ast.Name) and t.id == name]
        elif isinstance(node, ast.NamedExpr) and node.target.id == name:
            found.append(node.value)
    return found


def _texts(expr: ast.expr, src: Source, func: ast.AST | None) -> list[str] | None:
    """Every string an expression can be (following constants, imports, dict lookups, local
    variables), or None when it cannot be told from the source."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        body, orelse = _texts(expr.body, src, func), _texts(expr.orelse, src, func)
        return None if body is None or orelse is None else body + orelse
    if isinstance(expr, ast.Dict):  # a lookup table: its values
        values = [_texts(v, src, None) for v in expr.values if v is not None]
        return None if any(v is None for v in values) else [t for v in values for t in v or []]
    if isinstance(expr, ast.Subscript):
        return _texts(expr.value, src, func)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr == "get":  # table.get(key, fallback): the table and the fallback
            table = _texts(expr.func.value, src, func)
            fallback = _texts(expr.args[1], src, func) if len(expr.args) > 1 else []
            return None if table is None else table + (fallback or [])
        return None
    if isinstance(expr, ast.Name):
        if local := _local(func, expr.id):
            values = [_texts(v, src, func) for v in local]
            return None if any(v is None for v in values) else [t for v in values for t in v or []]
        if expr.id in src.consts:
            return _texts(src.consts[expr.id], src, None)
        if expr.id in src.imports:
            module, name = src.imports[expr.id]
            other = SOURCES.get(module)
            if other is not None and name in other.consts:
                return _texts(other.consts[name], other, None)
        return None
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        module = src.imports.get(expr.value.id)
        other = SOURCES.get(".".join(filter(None, module))) if module else None
        if other is not None and expr.attr in other.consts:
            return _texts(other.consts[expr.attr], other, None)
    return None


def _root(expr: ast.expr) -> str | None:
    while isinstance(expr, ast.Attribute | ast.Subscript):
        expr = expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _callee(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _looked_up() -> tuple[dict[str, str], list[str]]:
    """{text: where} for every text the admin looks up, and the lookups that cannot be told."""
    texts: dict[str, str] = {}
    unknown: list[str] = []
    for src in SOURCES.values():
        parents = _parents(src.tree)
        for call in (n for n in ast.walk(src.tree) if isinstance(n, ast.Call)):
            name = _callee(call)
            at = HELPERS.get((src.path.name, name or ""), LOOKUPS.get(name or ""))
            if at is None or (src.package == "bot" and name == "tr") or len(call.args) <= at:
                continue
            func, arg = _function(call, parents), call.args[at]
            where = f"{src.path.relative_to(ADMIN.parent)}:{call.lineno}"
            found = _texts(arg, src, func)
            if found is None:
                if _root(arg) not in _params(func):  # a parameter is checked at its callers
                    unknown.append(f"{where} {ast.unparse(arg)}")
                continue
            texts.update(dict.fromkeys(filter(None, found), where))
    return texts, unknown


def _translated(expr: ast.expr, func: ast.AST | None) -> bool:
    """Whether a flashed expression went through the dictionary: tr(...), say(...), `tr(X) % v`,
    or a local variable set to one of those."""
    if isinstance(expr, ast.Call):
        return _callee(expr) in {"tr", "say"}
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        return _translated(expr.left, func)
    if isinstance(expr, ast.IfExp):
        return _translated(expr.body, func) and _translated(expr.orelse, func)
    if isinstance(expr, ast.Name):
        values = _local(func, expr.id)
        return bool(values) and all(_translated(v, func) for v in values)
    return False


def test_every_flash_goes_through_the_dictionary():
    """`flash(f"Draf untuk tiket {number} ditolak.")` stayed Indonesian with EN chosen."""
    raw = []
    for src in SOURCES.values():
        if src.package != "admin":
            continue
        parents = _parents(src.tree)
        for call in (n for n in ast.walk(src.tree) if isinstance(n, ast.Call)):
            func = _function(call, parents)
            if _callee(call) == "flash" and not _translated(call.args[0], func):
                raw.append(f"{src.path.name}:{call.lineno} {ast.unparse(call.args[0])}")
    assert raw == []


def test_every_text_looked_up_has_an_english_entry_with_the_same_placeholders():
    texts, unknown = _looked_up()
    assert unknown == []
    assert len(texts) > 150  # the scan found the messages, not nothing
    missing = {t: w for t, w in texts.items() if t not in i18n.EN and t not in SAME_IN_ENGLISH}
    assert missing == {}
    wrong = {
        t: i18n.EN[t]
        for t in texts
        if t in i18n.EN and set(PLACEHOLDER.findall(t)) != set(PLACEHOLDER.findall(i18n.EN[t]))
    }
    assert wrong == {}


def test_every_label_placeholder_and_title_in_the_templates_has_an_english_entry():
    missing, raw = [], []
    pages = [p for p in sorted(TEMPLATES.glob("*.html")) if p.name not in INDONESIAN_ON_PURPOSE]
    assert pages
    for page in pages:
        source = page.read_text(encoding="utf-8")
        for match in ATTRIBUTE.finditer(source):
            value = match.group(2) if match.group(2) is not None else match.group(3)
            if value in NOT_WORDS:
                continue
            looked = LOOKUP.match(value)
            if looked is None:
                raw.append(f"{page.name}: {match.group(0)}")
        missing += [
            f"{page.name}: {m.group(2)}"
            for m in IN_TEMPLATE.finditer(source)
            if m.group(2) not in i18n.EN
        ]
    assert raw == [] and missing == []


# ---- through the app, with EN chosen ----


def _english(browser, user: str = "petugas") -> None:
    browser.login(user)
    browser.client.get("/admin/lang/en")


def _flash(browser, resp) -> str:
    """The page the form's redirect leads to (where the flash is shown)."""
    assert resp.status_code in (302, 303), resp.status_code
    return browser.page(resp.headers["Location"])


def test_rejecting_a_draft_says_so_in_english(browser, dishub, pending_draft):
    _english(browser)
    resp = browser.post(f"/admin/tickets/{dishub}/drafts/{pending_draft}/reject", {"reason": ""})
    page = _flash(browser, resp)
    assert f"The draft for ticket {dishub} was rejected." in page and "ditolak" not in page
    again = browser.post(f"/admin/tickets/{dishub}/drafts/{pending_draft}/reject", {"reason": ""})
    assert "This draft was already rejected by petugas" in _flash(browser, again)


def test_indonesian_stays_the_default(browser, dishub, pending_draft):
    browser.login("petugas")
    resp = browser.post(f"/admin/tickets/{dishub}/drafts/{pending_draft}/reject", {"reason": ""})
    assert f"Draf untuk tiket {dishub} ditolak." in _flash(browser, resp)


def test_closing_and_reopening_a_ticket_say_so_in_english(browser, dishub):
    _english(browser)
    reason = {"reason": "duplikat"}
    page = _flash(browser, browser.post(f"/admin/tickets/{dishub}/close", reason))
    assert f"Ticket {dishub} was closed; the citizen was told the reason." in page
    page = _flash(browser, browser.post(f"/admin/tickets/{dishub}/close", reason))
    assert f"Ticket {dishub} is already closed." in page
    page = _flash(browser, browser.post(f"/admin/tickets/{dishub}/reopen", {"reason": ""}))
    assert "Write why the ticket is reopened." in page
    page = _flash(browser, browser.post(f"/admin/tickets/{dishub}/reopen", {"reason": "belum"}))
    assert f"Ticket {dishub} was reopened." in page and "dibuka kembali" not in page


def test_the_ticket_forms_are_labelled_in_english(browser, dishub):
    _english(browser)
    page = browser.page(f"/admin/tickets/{dishub}")
    for label in ("Reason for the transfer", "Destination unit", "Reason for escalating"):
        assert f'aria-label="{label}"' in page
    assert "Alasan pengalihan" not in page and "<h2>Actions</h2>" in page
    assert "(officer)" in page and "· score " in page and "Pending" in page


def _answer_form(db, draft_id: int, body: str) -> tuple[int, dict[str, str]]:
    with session_scope(db) as s:
        answer = s.get(Answer, s.get(Draft, draft_id).answer_id)
        form = {"title": answer.title, "unit": "DISHUB", "body": body, "active": "1"}
        return answer.id, {**form, "action": "save"}


def test_saving_a_library_answer_says_so_in_english(browser, db, pending_draft):
    _english(browser)
    answer_id, form = _answer_form(db, pending_draft, "Lampu sudah diperbaiki.")
    page = _flash(browser, browser.post(f"/admin/library/{answer_id}", form))
    assert "Answer saved. The next drafts use this text." in page
    broken = browser.post(f"/admin/library/{answer_id}", {**form, "body": "Aduan {{ nomr }}"})
    assert broken.status_code == 400
    assert "answer text: unknown variable: {{ nomr }}; available:" in broken.get_data(as_text=True)


def test_a_refused_import_says_why_in_english(browser):
    _english(browser)
    rows = "id,unit,title,keywords,examples,body,auto_send,active\n"
    rows += ",DISHUB,Rusak,,,Aduan {{ nomr }},tidak,ya\n"
    upload = {"file": (io.BytesIO(rows.encode()), "pustaka.csv")}
    resp = browser.post("/admin/library/import", upload, content_type="multipart/form-data")
    page = _flash(browser, resp)
    assert "Import cancelled: row 2: answer text: unknown variable: {{ nomr }}" in page
    assert "baris" not in page


def test_logging_in_and_out_in_english(browser):
    browser.client.get("/admin/lang/en")
    asked = browser.client.get("/admin/tickets/0000000")
    assert "Please log in first." in _flash(browser, asked)
    bad = browser.login("petugas", "salah-sekali")
    assert bad.status_code == 401 and "Wrong username or password." in bad.get_data(as_text=True)
    page = _flash(browser, browser.login("petugas"))
    assert "Welcome, " in page and "Selamat datang" not in page  # the choice outlived the login
    page = _flash(browser, browser.logout())
    assert "You are logged out." in page


def test_a_settings_problem_is_in_english(browser):
    _english(browser, "admin")
    form = {"username": "baru", "role": "officer", "password": "pendek", "active": "1"}
    resp = browser.post("/admin/settings/staff/new", {**form, "units": "DISHUB"})
    assert resp.status_code == 400
    assert "The password needs at least 10 characters." in resp.get_data(as_text=True)
