"""Benchmark: the gradebook grid as a person feels it, in headless Chromium.

Run from the repository root (needs Debian's `chromium` package):

    .venv/bin/python bench/grid_browser.py

It builds the same two groups as `bench/gradebook.py` (30 learners × 40 assessments and
300 × 200, every grade entered) in a scratch SQLite database, serves the site from a thread on
127.0.0.1, logs a teacher in, and opens each grid five times in one tab (each time from a light page of
the site). For each opening it
takes, from the navigation's start:

- usable: the page's script has drawn the grid and put its editor on the first editable cell,
  and that editor has been focused and painted (a requestAnimationFrame after the focus);
- load: the load event's end;

and after the last opening it counts the DOM nodes and the bytes of HTML received, and gzips that
HTML at level 6 (what nginx's `gzip_comp_level 6` of the README's set-up sends; the bench's own
server does not compress).

It prints one `name=value` line per figure: usable_30x40_ms, load_30x40_ms, usable_300x200_ms,
load_300x200_ms, dom_nodes_300x200, html_bytes_300x200, html_transfer_bytes_300x200,
html_gzip_bytes_300x200 (medians of 5 for the times).
"""

import gzip
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gradebook as gradebook_bench  # noqa: E402 - bench/gradebook.py, beside this file

CHROMIUM = "/usr/bin/chromium"
RUNS = 5
# The first cell a person can type into: the grid's one editor, which the page's script puts on
# the first editable cell once it has drawn the rows in view.
FIRST_CELL = "#grid [role=gridcell] input.vg-editor"

USABLE_JS = """
async (selector) => {
  while (document.readyState === "loading" || !document.querySelector(selector)) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const cell = document.querySelector(selector);
  cell.focus();
  if (document.activeElement !== cell) throw new Error("the first cell did not take the focus");
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return performance.now();
}
"""

NAVIGATION_JS = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    load: nav.loadEventEnd,
    transfer: nav.transferSize,
    body: nav.decodedBodySize,
    nodes: document.getElementsByTagName("*").length,
  };
}
"""


def serve(scratch: str) -> None:
    """Serve the site on a free port of 127.0.0.1 and print the port (static files included).

    Run in a process of its own, so that the browser driver of the measuring process never
    competes with the server for one interpreter lock."""
    gradebook_bench.configure_django(scratch)
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    print(server.server_address[1], flush=True)
    server.serve_forever()


def main() -> int:
    if not os.path.exists(CHROMIUM):
        print(f"Chromium is missing: apt-get install chromium ({CHROMIUM})", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="zachetka-bench-") as scratch:
        gradebook_bench.configure_django(scratch)
        from django.conf import settings
        from django.contrib.auth.models import Group as Role
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        from zachetka.core import roles

        call_command("migrate", verbosity=0)
        teacher = User.objects.create_user(
            "bench-teacher", password="x", first_name="Ирина", last_name="Петрова"
        )
        teacher.groups.add(Role.objects.get(name=roles.TEACHER))
        director = User.objects.create_user("bench-director", password="x")
        director.groups.add(Role.objects.get(name=roles.ADMINISTRATION))
        grids = {
            "30x40": gradebook_bench.build_group("Б-30x40", 30, 40, teacher, director),
            "300x200": gradebook_bench.build_group("Б-300x200", 300, 200, teacher, director),
        }
        client = Client()
        client.force_login(teacher)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        server = subprocess.Popen(  # noqa: S603 - this very script, in serving mode
            [sys.executable, __file__, "--serve", scratch],
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        base = f"http://127.0.0.1:{server.stdout.readline().strip()}"

        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
        from playwright.sync_api import sync_playwright

        figures: dict[str, float | int] = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
            for name, (group, module, _, _) in grids.items():
                url = base + reverse("gradebook:grid", args=[group.pk, module.pk])
                usable, loaded, last, html = [], [], {}, b""
                # One tab, as a person has: a new tab makes Chromium build its own interface pages
                # (hundreds of chrome:// scripts) at the same moment, which is not the grid's cost.
                # Each opening starts from a light page of the site (a person comes to the grid
                # from the group's page): from about:blank Chromium would start a new renderer
                # process for the site first.
                page = context.new_page()
                for run in range(RUNS + 1):  # the first opening warms caches and is not counted
                    page.goto(base + "/static/css/app.css")
                    response = page.goto(url, wait_until="commit")
                    ready = page.evaluate(USABLE_JS, FIRST_CELL)
                    page.wait_for_load_state("load")
                    last = page.evaluate(NAVIGATION_JS)
                    html = response.body()
                    if run:
                        usable.append(ready)
                        loaded.append(last["load"])
                page.close()
                figures[f"usable_{name}_ms"] = round(statistics.median(usable), 1)
                figures[f"load_{name}_ms"] = round(statistics.median(loaded), 1)
                if name == "300x200":
                    figures["dom_nodes_300x200"] = last["nodes"]
                    figures["html_bytes_300x200"] = last["body"]
                    figures["html_transfer_bytes_300x200"] = last["transfer"]
                    figures["html_gzip_bytes_300x200"] = len(gzip.compress(html, compresslevel=6))
            browser.close()
        server.terminate()
        server.wait(timeout=30)
        for key, value in figures.items():
            print(f"{key}={value}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2])
    else:
        sys.exit(main())
