"""The dashboard of `regops serve` in a real headless Chromium (Debian's package), driven by
Playwright over the DevTools protocol.

Usage: dashboard_check.py BASE TOKEN SCREENSHOT_DIR

Checks, and exits 1 naming the first that fails:
- the page asks for the token and keeps it in session storage, never in the URL;
- the counts on the page match GET /v1/counts;
- a filter narrows the table;
- an operation that changes at the sandbox changes on the page without a reload;
- its history timeline shows every change GET .../history has;
- no console error and no uncaught exception, from the first load to the end.
Saves screenshots (overview, filtered, one operation, a phone's width) in SCREENSHOT_DIR and
prints a JSON summary.
"""

import json
import os
import sys
import time
import urllib.request

from playwright.sync_api import sync_playwright

STATUSES = ["pending", "in_progress", "action_required", "succeeded", "failed", "cancelled", "unknown"]
CHROMIUM = os.environ.get("REGOPS_CHROMIUM", "/usr/bin/chromium")


def api(base, token, path):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def until(what, check, limit=30.0):
    """Polls `check` until it answers something true; fails naming `what` after `limit` s."""
    deadline = time.monotonic() + limit
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"{what() if callable(what) else what} (last seen: {last!r})")


def page_counts(page):
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#counts td[data-status]')]
            .filter(td => td.dataset.status !== 'all')
            .map(td => [td.dataset.provider + '/' + td.dataset.status, Number(td.textContent)]))"""
    )


def api_counts(base, token):
    out = {}
    for c in api(base, token, "/v1/counts")["counts"]:
        key = c["provider"] + "/" + c["status"]
        out[key] = out.get(key, 0) + c["count"]
    return out


def rows(page):
    return page.evaluate(
        """() => [...document.querySelectorAll('#operations tbody tr[data-id]')]
            .map(tr => ({account: tr.dataset.account, id: tr.dataset.id, status: tr.dataset.status}))"""
    )


def main():
    base, token, shots = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(shots, exist_ok=True)
    problems = []
    summary = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
        requested = []
        page.on("request", lambda r: requested.append(r.url))

        # The token, asked once, kept in session storage.
        page.goto(base + "/")
        page.wait_for_selector("#login:not([hidden])")
        page.fill("#token", token)
        page.keyboard.press("Enter")
        page.wait_for_selector("#overview:not([hidden])")
        assert page.evaluate("sessionStorage.getItem('regops-token')") == token, "token not in session storage"
        until("the live stream connected", lambda: page.text_content("#live") == "live")
        page.evaluate("window.__notReloaded = true")

        # The counts match the API (both move while the sandbox runs: until they agree).
        seen_counts = {}

        def counts_agree():
            # Statuses the journal holds none of show as 0 on the page.
            seen_counts["page"] = {k: v for k, v in page_counts(page).items() if v}
            seen_counts["api"] = api_counts(base, token)
            return seen_counts["page"] == seen_counts["api"] and sum(seen_counts["api"].values()) > 0

        until(lambda: f"the page's counts match /v1/counts ({seen_counts})", counts_agree)
        summary["counts"] = page_counts(page)
        page.screenshot(path=os.path.join(shots, "dashboard.png"), full_page=True)

        # A filter narrows the table.
        before = until("the table has rows", lambda: rows(page))
        providers = sorted({r["account"] for r in before})
        assert len(providers) > 1, f"one account only in the table: {providers}"
        page.select_option("select[name=account]", providers[0])
        page.click("#filters button[type=submit]")
        narrowed = until(
            "the account filter narrowed the table",
            lambda: (lambda r: r if r and all(x["account"] == providers[0] for x in r) else None)(rows(page)),
        )
        summary["filtered"] = {"account": providers[0], "before": len(before), "after": len(narrowed)}
        page.screenshot(path=os.path.join(shots, "dashboard-filtered.png"), full_page=True)
        page.select_option("select[name=status]", "pending")
        until("the status filter narrowed the table",
              lambda: (lambda r: r if all(x["status"] == "pending" and x["account"] == providers[0] for x in r) else None)(rows(page)) is not None)
        page.click("#filters button[type=reset]")
        until("the table is whole again", lambda: len({r["account"] for r in rows(page)}) > 1)

        # A change at the sandbox reaches the page without a reload.
        moving = [r for r in rows(page) if r["status"] in ("pending", "in_progress", "action_required")]
        assert moving, "no operation left to change"
        watched = {(r["account"], r["id"]): r["status"] for r in moving}

        def changed():
            for r in rows(page):
                key = (r["account"], r["id"])
                if key in watched and r["status"] != watched[key]:
                    return r
            return None

        seen = until("an operation changed on the page", changed, limit=60)
        assert page.evaluate("window.__notReloaded === true"), "the page was reloaded"
        summary["changed"] = {"account": seen["account"], "id": seen["id"],
                              "from": watched[(seen["account"], seen["id"])], "to": seen["status"]}

        # Its history, as a timeline with every change.
        page.click(f'#operations tr[data-account="{seen["account"]}"][data-id="{seen["id"]}"] a')
        page.wait_for_selector("#detail:not([hidden])")
        path = f"/v1/accounts/{seen['account']}/operations/{seen['id']}/history"

        def timeline_matches():
            want = [c["status"] for c in api(base, token, path)["changes"]]
            got = page.evaluate("[...document.querySelectorAll('#timeline li[data-status]')].map(li => li.dataset.status)")
            return got if got == want and len(got) >= 2 else None

        summary["timeline"] = until("the timeline shows every change", timeline_matches, limit=30)
        page.screenshot(path=os.path.join(shots, "dashboard-operation.png"), full_page=True)

        # A phone's width.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + "/")
        page.wait_for_selector("#overview:not([hidden])")
        until("counts on the phone", lambda: sum(page_counts(page).values()) > 0)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"
        page.screenshot(path=os.path.join(shots, "dashboard-phone.png"), full_page=True)

        leaked = [u for u in requested if token in u]
        assert not leaked, f"the token went into a URL: {leaked}"
        browser.close()
    assert not problems, "; ".join(problems)
    print(json.dumps(summary))


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"dashboard check failed: {e}", file=sys.stderr)
        sys.exit(1)
