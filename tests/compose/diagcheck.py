"""Shared by the compose golden-case runners: matches expected diagnostics
(written by hand in the cases) against griddle's JSON diagnostics."""
import os


def match(diags, expects):
    """expects: (severity, file or None, line, column, text). Every expected
    diagnostic must appear (text as a substring, each diagnostic used once)
    and no other error may; returns the problems."""
    problems, used = [], set()
    for sev, f, line, col, msg in expects:
        hit = [i for i, d in enumerate(diags) if i not in used and d['severity'] == sev
               and (f is None or os.path.basename(d.get('file', '')) == f)
               and d.get('line') == line and d.get('column') == col and msg in d['message']]
        if hit:
            used.add(hit[0])
        else:
            problems.append(f'missing {sev} {f or ""} {line}:{col} "{msg}"')
    for i, d in enumerate(diags):
        if d['severity'] == 'error' and i not in used:
            problems.append(f'unexpected error {os.path.basename(d.get("file", ""))} '
                            f'{d.get("line")}:{d.get("column")} {d["message"]}')
    return problems
