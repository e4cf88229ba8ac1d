"""The web console (docs/console.md) in a real browser: headless Debian chromium driven by
selenium, against a real cwlogd filled with boto3. Each page loads, lists, searches, pages,
queries and charts what was put in; the SigV4 sign-in works and a wrong secret shows AWS's error;
axe-core checks labels and keyboard access. Screenshots of every page go to the build directory
(console-screenshots/) and are checked for non-blank renders; with CWLOGD_CONSOLE_DOC_IMAGES=1
they are also written to docs/images/ for docs/console.md.

Needs chromium, chromium-driver and python3-selenium (scripts/install-deps.sh test) and axe-core
(tests/integration/node, npm ci); fails when selenium or the browser is missing.
"""

import datetime
import gzip
import http.client
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

import cwlogd_harness as h



def _import_selenium():
    """Selenium from the python running the tests or, where that python has none (a pip python
    beside Debian's), Debian's python3-selenium: pure python, in /usr/lib/python3/dist-packages,
    appended so that this python's own packages still come first."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        if "/usr/lib/python3/dist-packages" not in sys.path:
            sys.path.append("/usr/lib/python3/dist-packages")
    try:
        from selenium import webdriver as driver  # noqa: F401
        return driver
    except ImportError:  # pragma: no cover - depends on the machine
        return None


webdriver = _import_selenium()
if webdriver is not None:
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WWW = os.path.join(REPO, "console", "www")
WAIT_S = 20 * h.TIMEOUT_SCALE
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1200,1000"]
GROUP = "/app/web"
N_OTHER_GROUPS = 55
KEY, SECRET, ACCOUNT = "AKIACONSOLETESTAAAAA", "console/secret+key/aaaaaaaaaaaaaaaaaaaaa", "123456789012"


def png_pixels_vary(png):
    """True when a PNG is not a blank render: its filtered scanlines hold many distinct bytes."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"IDAT":
            idat += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    nonzero = sum(1 for b in raw[::7] if b) / max(1, len(raw[::7]))
    return len(set(raw)) > 32 and nonzero > 0.005


def raw_get(server, path, headers=None, method="GET"):
    """GET (or HEAD) without following redirects: (status, headers dict, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def find_chromedriver():
    for path in (shutil.which("chromedriver"), "/usr/bin/chromedriver"):
        if path and os.access(path, os.X_OK):
            return path
    return None


def axe_source():
    node_dir = h.NODE_DIR
    path = os.path.join(node_dir, "node_modules", "axe-core", "axe.min.js")
    if not os.path.exists(path) and shutil.which("npm"):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=node_dir, capture_output=True,
                       timeout=900, check=False)
    if not os.path.exists(path):
        raise RuntimeError(f"{path} is missing: run `npm ci` in {node_dir}")
    with open(path, encoding="utf-8") as f:
        return f.read()


def yesterday_at(hour, minute=0):
    """Local time (the browser's zone too): yesterday at hour:minute, in ms."""
    today = datetime.datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    return int((today - datetime.timedelta(days=1, hours=-hour, minutes=-minute)).timestamp() * 1000)


class BrowserCase(unittest.TestCase):
    """A headless chromium for the class, with helpers to load pages and take screenshots."""

    server_args = []

    @classmethod
    def setUpClass(cls):
        # scripts/install-deps.sh test installs the browser: its absence fails the module
        # rather than skipping it, so a machine without it cannot pass silently.
        if webdriver is None:
            raise AssertionError("python3-selenium is not installed (scripts/install-deps.sh test)")
        driver_path = find_chromedriver()
        if driver_path is None or shutil.which("chromium") is None:
            raise AssertionError("chromium and chromium-driver are not installed "
                                 "(scripts/install-deps.sh test)")
        cls.server = h.start_server(cls.server_args)
        cls.profile = tempfile.mkdtemp(prefix="cwlogd-console-chrome-")
        options = webdriver.ChromeOptions()
        for flag in CHROME_FLAGS + [f"--user-data-dir={cls.profile}"]:
            options.add_argument(flag)
        options.binary_location = shutil.which("chromium")
        cls.driver = webdriver.Chrome(service=Service(driver_path), options=options)
        cls.driver.set_script_timeout(30)
        if os.environ.get("CWLOGD_CONSOLE_DOC_IMAGES"):
            # Same layout, fewer pixels: small PNGs for docs/images/.
            cls.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": 1200, "height": 900, "deviceScaleFactor": 0.75, "mobile": False})
        cls.shots = os.path.join(os.path.dirname(h.binary_path()), "console-screenshots")
        os.makedirs(cls.shots, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        shutil.rmtree(cls.profile, ignore_errors=True)
        cls.server.discard()

    def open(self, hash_path, page):
        self.driver.get(f"{self.server.endpoint}/console/{hash_path}")
        return self.wait_page(page)

    def wait_page(self, page):
        WebDriverWait(self.driver, WAIT_S).until(
            lambda d: d.execute_script("return document.body.dataset.rendered") == page)
        return self.driver

    def wait_for(self, css, count=1):
        return WebDriverWait(self.driver, WAIT_S).until(
            lambda d: (lambda els: els if len(els) >= count else None)(d.find_elements(By.CSS_SELECTOR, css)))

    def text(self):
        return self.driver.find_element(By.ID, "main").text

    def screenshot(self, name):
        png = self.driver.get_screenshot_as_png()
        with open(os.path.join(self.shots, f"{name}.png"), "wb") as f:
            f.write(png)
        self.assertTrue(png_pixels_vary(png), f"screenshot {name} is blank")
        if os.environ.get("CWLOGD_CONSOLE_DOC_IMAGES"):
            with open(os.path.join(REPO, "docs", "images", f"console-{name}.png"), "wb") as f:
                f.write(png)

    def assert_accessible(self):
        """axe-core's WCAG 2 A/AA rules find nothing on the page as shown."""
        if not getattr(type(self), "axe", None):
            type(self).axe = axe_source()
        self.driver.execute_script(type(self).axe)
        violations = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})"
            ".then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))))"
            ".catch(e => done(['axe failed: ' + e]));")
        self.assertEqual(violations, [])


class ConsoleAssets(unittest.TestCase):
    """The static side: redirect, types, ETag, gzip; no browser needed."""

    @classmethod
    def setUpClass(cls):
        cls.server = h.start_server()

    @classmethod
    def tearDownClass(cls):
        cls.server.discard()

    def test_root_redirects_to_the_console(self):
        status, headers, _ = raw_get(self.server, "/")
        self.assertEqual(status, 302)
        self.assertEqual(headers.get("Location"), "/console/")

    def test_assets_have_types_etags_and_gzip(self):
        status, headers, body = raw_get(self.server, "/console/", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        self.assertEqual(headers.get("Content-Encoding"), "gzip")
        with open(os.path.join(WWW, "index.html"), "rb") as f:
            self.assertEqual(gzip.decompress(body), f.read())
        etag = headers["ETag"]
        status, _, body = raw_get(self.server, "/console/", headers={"If-None-Match": etag})
        self.assertEqual((status, body), (304, b""))
        status, headers, body = raw_get(self.server, "/console/js/app.js")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/javascript; charset=utf-8")
        self.assertNotIn("Content-Encoding", headers)
        self.assertIn(b"import", body)
        self.assertEqual(raw_get(self.server, "/console/nope.js")[0], 404)

    def test_head_answers_the_get_headers_without_a_body(self):
        _, get_headers, get_body = raw_get(self.server, "/console/js/app.js")
        status, headers, body = raw_get(self.server, "/console/js/app.js", method="HEAD")
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(headers["Content-Type"], get_headers["Content-Type"])
        self.assertEqual(headers["ETag"], get_headers["ETag"])
        self.assertEqual(int(headers["Content-Length"]), len(get_body))
        self.assertEqual(raw_get(self.server, "/", method="HEAD")[0], 302)
        self.assertEqual(raw_get(self.server, "/console/nope.js", method="HEAD")[0], 404)

    def test_console_is_under_250_kb(self):
        total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(WWW) for f in fs)
        self.assertLess(total, 250 * 1024)

    def test_no_console_turns_it_off(self):
        for flag in (["--no-console"], ["--console=off"]):
            server = h.start_server(flag)
            try:
                self.assertEqual(raw_get(server, "/")[0], 404)
                self.assertEqual(raw_get(server, "/console/")[0], 404)
            finally:
                server.discard()


class ConsolePages(BrowserCase):
    """Every page against data put in with boto3."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        logs = cls.server.client()
        cls.logs = logs
        logs.create_log_group(logGroupName=GROUP)
        for i in range(N_OTHER_GROUPS):
            logs.create_log_group(logGroupName=f"/svc/g{i:02d}")
        logs.put_retention_policy(logGroupName="/svc/g00", retentionInDays=7)
        # Yesterday 10:00-12:00: one access line every 3 minutes, every 4th a 5xx; and JSON lines.
        logs.create_log_stream(logGroupName=GROUP, logStreamName="web-1")
        events, cls.yesterday_5xx = [], 0
        for i in range(40):
            status = (500, 503)[i % 2] if i % 4 == 0 else 200
            cls.yesterday_5xx += status >= 500
            events.append({"timestamp": yesterday_at(10, 3 * i),
                           "message": f"127.0.0.1 GET /api/items/{i} {status} {10 + i}ms"})
        for i in range(5):
            events.append({"timestamp": yesterday_at(11, 1 + 3 * i) + 500,
                           "message": json.dumps({"level": "error", "status": 502, "path": f"/json/{i}"})})
        events.sort(key=lambda e: e["timestamp"])
        logs.put_log_events(logGroupName=GROUP, logStreamName="web-1", logEvents=events)
        # The last 50 minutes: 500 lines, for paging.
        logs.create_log_stream(logGroupName=GROUP, logStreamName="web-2")
        now = h.now_ms()
        cls.recent = [{"timestamp": now - 3_000_000 + i * 6000, "message": f"recent line {i:03d}"}
                      for i in range(500)]
        logs.put_log_events(logGroupName=GROUP, logStreamName="web-2", logEvents=cls.recent)
        cw = h.boto3.session.Session().client(
            "cloudwatch", endpoint_url=cls.server.endpoint, region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test")
        cls.cw = cw
        start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)
        cw.put_metric_data(Namespace="Shop", MetricData=[
            {"MetricName": "Latency", "Dimensions": [{"Name": "Service", "Value": "web"}],
             "Timestamp": start + datetime.timedelta(minutes=5 * i), "Value": float(50 + 10 * (i % 6))}
            for i in range(24)])
        cw.put_metric_alarm(AlarmName="HighLatency", Namespace="Shop", MetricName="Latency",
                            Dimensions=[{"Name": "Service", "Value": "web"}], Statistic="Average",
                            Period=300, EvaluationPeriods=1, Threshold=10.0,
                            ComparisonOperator="GreaterThanThreshold",
                            # Stays in ALARM whatever an evaluation at a minute boundary sees
                            # during the tests: every value is above 10, no data keeps the state.
                            TreatMissingData="ignore")
        cw.set_alarm_state(AlarmName="HighLatency", StateValue="ALARM", StateReason="console test")
        # A dashboard with one widget of each kind the page renders.
        cw.put_dashboard(DashboardName="shop", DashboardBody=json.dumps({"widgets": [
            {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6, "properties": {
                "title": "Shop latency", "region": "us-east-1", "stat": "Average", "period": 300,
                "metrics": [["Shop", "Latency", "Service", "web"]]}},
            {"type": "text", "x": 12, "y": 0, "width": 12, "height": 6,
             "properties": {"markdown": "# Runbook\nRestart **web** first."}},
            {"type": "alarm", "x": 0, "y": 6, "width": 12, "height": 4, "properties": {
                "title": "Alarms", "alarms": [
                    "arn:aws:cloudwatch:us-east-1:000000000000:alarm:HighLatency"]}},
            {"type": "log", "x": 12, "y": 6, "width": 12, "height": 6, "properties": {
                "title": "Recent lines", "region": "us-east-1",
                "query": f"SOURCE '{GROUP}' | fields @timestamp, @message | limit 5"}}]}))

    def test_log_groups_page_lists_pages_and_filters(self):
        t0 = time.monotonic()
        self.driver.get(self.server.endpoint + "/")
        self.wait_page("groups")
        first_render = self.driver.execute_script("return document.body.dataset.firstRenderMs")
        print(f"\nfirst render {first_render} ms after navigation start "
              f"({time.monotonic() - t0:.2f} s wall)")
        self.assertTrue(self.driver.current_url.endswith("/console/"))
        rows = self.wait_for("table[aria-label='Log groups'] tbody tr", 50)
        self.assertEqual(len(rows), 50)
        self.assertIn("7 days", self.text())
        self.screenshot("groups")
        self.assert_accessible()
        self.driver.find_element(By.ID, "groups-more").click()
        self.wait_for("table[aria-label='Log groups'] tbody tr", N_OTHER_GROUPS + 1)
        self.assertIn(f"{N_OTHER_GROUPS + 1} log groups", self.text())
        box = self.driver.find_element(By.ID, "group-filter")
        box.send_keys("/app", Keys.ENTER)
        self.wait_page("groups")
        self.assertIn("q=%2Fapp", self.driver.current_url)
        rows = self.wait_for("table[aria-label='Log groups'] tbody tr")
        self.assertEqual([r.text.split()[0] for r in rows], [GROUP])

    def test_group_page_shows_streams_and_edits_retention_and_tags(self):
        self.open(f"#/group?name={GROUP}", "group")
        streams = self.wait_for("table[aria-label='Log streams'] tbody tr", 2)
        self.assertEqual(streams[0].text.split()[0], "web-2")  # latest event first
        self.screenshot("group")
        Select(self.driver.find_element(By.ID, "retention")).select_by_value("14")
        self.driver.find_element(By.XPATH, "//button[text()='Save retention']").click()
        WebDriverWait(self.driver, WAIT_S).until(lambda d: "Saved." in self.text())
        group = self.logs.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"][0]
        self.assertEqual(group["retentionInDays"], 14)
        self.driver.find_element(By.ID, "tag-key").send_keys("team")
        self.driver.find_element(By.ID, "tag-value").send_keys("web", Keys.ENTER)
        self.wait_for("table[aria-label='Tags'] tbody tr")
        tags = self.logs.list_tags_log_group(logGroupName=GROUP)["tags"]
        self.assertEqual(tags, {"team": "web"})

    def test_event_viewer_filters_orders_pages_and_expands_json(self):
        self.open(f"#/events?group={GROUP}&stream=web-2&range=1h&order=asc", "events")
        rows = self.wait_for("table[aria-label='Log events'] tbody tr", 200)
        self.assertIn("recent line 000", rows[0].text)
        # Scrolling to the end loads the following pages.
        for _ in range(5):
            self.driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
            time.sleep(0.3)
        self.wait_for("table[aria-label='Log events'] tbody tr", 500)
        self.open(f"#/events?group={GROUP}&stream=web-2&range=1h&order=desc", "events")
        rows = self.wait_for("table[aria-label='Log events'] tbody tr")
        self.assertIn("recent line 499", rows[0].text)
        # JSON events expand; a filter pattern narrows; a bad pattern shows the API's error.
        self.open(f"#/events?group={GROUP}&range=yesterday", "events")
        box = self.driver.find_element(By.ID, "filter-pattern")
        box.send_keys("{ $.status >= 500 }", Keys.ENTER)
        self.wait_page("events")
        rows = self.wait_for("table[aria-label='Log events'] tbody tr", 5)
        self.assertEqual(len(rows), 5)
        rows[0].find_element(By.TAG_NAME, "summary").click()
        self.assertIn('"status": 502', rows[0].find_element(By.TAG_NAME, "pre").text)
        self.screenshot("events")
        self.assert_accessible()
        box = self.driver.find_element(By.ID, "filter-pattern")
        box.clear()
        box.send_keys("{ $.status >= }", Keys.ENTER)
        alert = self.wait_for("[role=alert]")[0]
        self.assertTrue(alert.text.startswith("InvalidParameterException: "), alert.text)

    def test_live_mode_follows_new_events(self):
        self.logs.create_log_stream(logGroupName=GROUP, logStreamName="live")
        self.open(f"#/events?group={GROUP}&stream=live&range=5m&live=1", "events")
        self.logs.put_log_events(logGroupName=GROUP, logStreamName="live",
                                 logEvents=[{"timestamp": h.now_ms(), "message": "live one"}])
        WebDriverWait(self.driver, WAIT_S).until(lambda d: "live one" in self.text())

    def test_insights_yesterdays_5xx_per_5_minutes_charted_and_saved(self):
        self.open("#/insights", "insights")
        self.driver.find_element(By.ID, "query-groups").send_keys(GROUP)
        Select(self.driver.find_element(By.CSS_SELECTOR, "select[aria-label='Time range']")).select_by_value("yesterday")
        self.wait_page("insights")
        self.assertEqual(self.driver.find_element(By.ID, "query-groups").get_attribute("value"), GROUP)
        # A new user's way: the example query, not typed.
        Select(self.driver.find_element(By.ID, "query-examples")).select_by_visible_text(
            "5xx lines per 5 minutes (chart)")
        self.assertEqual(self.driver.find_element(By.ID, "query-text").get_attribute("value"),
                         "filter @message like / 5\\d\\d /\n| stats count(*) as errors by bin(5m)")
        self.driver.find_element(By.ID, "run-query").click()
        self.wait_page("insights")
        self.wait_for("#query-chart svg polyline")
        rows = self.wait_for("table[aria-label='Query results'] tbody tr")
        counts = [int(r.find_elements(By.TAG_NAME, "td")[-1].text) for r in rows]
        self.assertEqual(sum(counts), self.yesterday_5xx)
        self.screenshot("insights")
        self.assert_accessible()
        self.driver.find_element(By.ID, "save-name").send_keys("5xx per 5 minutes")
        self.driver.find_element(By.ID, "save-query").click()
        WebDriverWait(self.driver, WAIT_S).until(lambda d: "Saved" in self.text())
        defs = self.logs.describe_query_definitions()["queryDefinitions"]
        self.assertEqual([(d["name"], d["logGroupNames"]) for d in defs], [("5xx per 5 minutes", [GROUP])])
        self.assertIn("bin(5m)", defs[0]["queryString"])
        # The saved query comes back in the list; a plain query gets the histogram.
        self.open(f"#/insights?groups={GROUP}&range=yesterday&run=1&q=" +
                  "fields%20%40timestamp%2C%20%40message%20%7C%20sort%20%40timestamp%20desc%20%7C%20limit%2020",
                  "insights")
        self.wait_for("#query-histogram svg rect")
        self.assertEqual(len(self.wait_for("table[aria-label='Query results'] tbody tr")), 20)
        options = self.driver.find_elements(By.CSS_SELECTOR, "#saved-queries option")
        self.assertIn("5xx per 5 minutes", [o.text for o in options])

    def test_insights_shows_query_errors_as_written(self):
        self.open(f"#/insights?groups={GROUP}&run=1&q=stats%20nope(", "insights")
        alert = self.wait_for("[role=alert]")[0]
        self.assertTrue(alert.text.split(":")[0].endswith("Exception"), alert.text)

    def test_metrics_page_browses_and_charts(self):
        self.open("#/metrics", "metrics")
        self.driver.find_element(By.LINK_TEXT, "Shop").click()
        self.wait_page("metrics")
        self.driver.find_element(By.LINK_TEXT, "Latency").click()
        self.wait_page("metrics")
        points = self.wait_for("#metric-chart svg circle", 20)
        self.assertGreaterEqual(len(points), 20)
        self.screenshot("metrics")
        self.assert_accessible()

    def test_dashboards_page_lists_and_renders_widgets(self):
        self.open("#/dashboards", "dashboards")
        row = self.wait_for("table[aria-label='Dashboards'] tbody tr")[0]
        self.assertIn("shop", row.text)
        row.find_element(By.LINK_TEXT, "shop").click()
        self.wait_page("dashboards")
        # Each widget in its card: the metric chart, the markdown, the alarm's state, the query.
        self.wait_for("section[aria-label='Shop latency'] svg")
        runbook = self.wait_for("section[aria-label='text'] h2")[0]
        self.assertEqual(runbook.text, "Runbook")
        WebDriverWait(self.driver, WAIT_S).until(
            lambda d: "HighLatency" in d.find_element(
                By.CSS_SELECTOR, "section[aria-label='Alarms']").text)
        self.assertIn("ALARM", self.driver.find_element(
            By.CSS_SELECTOR, "section[aria-label='Alarms']").text)
        WebDriverWait(self.driver, WAIT_S).until(
            lambda d: "recent line" in d.find_element(
                By.CSS_SELECTOR, "section[aria-label='Recent lines']").text)
        self.assertNotIn("Exception", self.text())
        self.screenshot("dashboards")

    def test_alarms_page_shows_state_and_history(self):
        self.open("#/alarms", "alarms")
        row = self.wait_for("table[aria-label='Alarms'] tbody tr")[0]
        self.assertIn("HighLatency", row.text)
        self.assertIn("ALARM", row.text)
        row.find_element(By.LINK_TEXT, "HighLatency").click()
        self.wait_page("alarms")
        history = self.wait_for("table[aria-label='Alarm history'] tbody tr")
        self.assertTrue(any("ALARM" in r.text for r in history))
        self.screenshot("alarms")

    def test_utc_toggle_and_keyboard_navigation(self):
        self.open(f"#/group?name={GROUP}", "group")
        self.driver.find_element(By.ID, "utc").click()
        self.wait_page("group")
        self.assertRegex(self.wait_for("table[aria-label='Log streams'] tbody tr")[0].text, r"\d\d:\d\d:\d\dZ")
        self.driver.find_element(By.ID, "utc").click()
        self.wait_page("group")
        # Tab from the top of a freshly loaded page reaches the sections; Enter opens one.
        self.driver.get("about:blank")
        self.open("#/groups", "groups")
        for _ in range(8):
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
            if self.driver.switch_to.active_element.text == "Logs Insights":
                break
        self.assertEqual(self.driver.switch_to.active_element.text, "Logs Insights")
        self.driver.switch_to.active_element.send_keys(Keys.ENTER)
        self.wait_page("insights")


class ConsoleSigV4(BrowserCase):
    """--auth sigv4: the console asks for keys, signs in the browser, shows AWS's errors."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="cwlogd-console-sigv4-")
        creds = os.path.join(cls.tmp, "credentials")
        with open(creds, "w") as f:
            f.write(f"{KEY} {SECRET} {ACCOUNT}\n")
        cls.server_args = ["--auth", "sigv4", "--credentials-file", creds]
        super().setUpClass()
        cls.server.client(access_key=KEY, secret_key=SECRET).create_log_group(logGroupName="/signed/group")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def sign_in(self, secret):
        for field, value in (("login-key", KEY), ("login-secret", secret)):
            box = self.driver.find_element(By.ID, field)
            box.clear()
            box.send_keys(value)
        self.driver.find_element(By.ID, "login-secret").send_keys(Keys.ENTER)

    def test_sign_in_with_a_wrong_secret_then_the_right_one(self):
        self.open("", "login")
        self.assertIn("MissingAuthenticationTokenException", self.text())
        self.assert_accessible()
        self.sign_in("not-the-secret")
        WebDriverWait(self.driver, WAIT_S).until(
            lambda d: "InvalidSignatureException: The request signature we calculated does not match"
            in self.text())
        self.screenshot("login")
        self.sign_in(SECRET)
        self.wait_page("groups")
        self.assertEqual([r.text.split()[0] for r in self.wait_for("table[aria-label='Log groups'] tbody tr")],
                         ["/signed/group"])
        stored = self.driver.execute_script("return sessionStorage.getItem('cwlogd.credentials')")
        self.assertIn(KEY, stored)
        self.assertIsNone(self.driver.execute_script("return localStorage.getItem('cwlogd.credentials')"))


if __name__ == "__main__":
    unittest.main()
