//! A real browser for the dashboard's tests: Debian's Chromium, headless,
//! driven through chromedriver (WebDriver) on 127.0.0.1 with fantoccini.
//! `.ci/run` installs both when they are missing; without them a test says
//! SKIPPED loudly, and under `CI=true` it fails instead.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// chromedriver in a process group of its own, with the Chromium it
/// starts: the whole group is killed on drop, so a failing test leaves no
/// browser behind (killing chromedriver alone orphans Chromium).
struct DriverGroup(std::process::Child);

impl Drop for DriverGroup {
    fn drop(&mut self) {
        let group = -(self.0.id() as i32);
        // SAFETY: kill(2) takes no pointers; a negative pid names the
        // process group chromedriver leads (it was started with
        // process_group(0)).
        unsafe {
            libc::kill(group, libc::SIGKILL);
        }
        let _ = self.0.wait();
    }
}

/// A desktop's and a phone's viewport.
pub const DESKTOP: (u32, u32) = (1280, 900);
pub const PHONE: (u32, u32) = (390, 844);

/// Chromium under chromedriver; both stop when it drops.
pub struct Browser {
    pub client: Client,
    pub base: String,
    _driver: DriverGroup,
    _profile: tempfile::TempDir,
}

fn found(path: &str) -> Option<PathBuf> {
    Path::new(path).exists().then(|| PathBuf::from(path))
}

/// chromedriver and Chromium, from `STEWARD_CHROMEDRIVER` and
/// `STEWARD_CHROMIUM` or Debian's places.
fn programs() -> Option<(PathBuf, PathBuf)> {
    let driver = std::env::var("STEWARD_CHROMEDRIVER")
        .ok()
        .and_then(|p| found(&p))
        .or_else(|| found("/usr/bin/chromedriver"))?;
    let chromium = std::env::var("STEWARD_CHROMIUM")
        .ok()
        .and_then(|p| found(&p))
        .or_else(|| found("/usr/bin/chromium"))?;
    Some((driver, chromium))
}

impl Browser {
    /// A browser on `base` (the served steward), or `None` with a loud
    /// SKIPPED when Chromium or chromedriver is missing (a failure under CI).
    pub async fn start(test: &str, base: &str) -> Option<Browser> {
        let Some((driver, chromium)) = programs() else {
            let why = "Chromium or chromedriver is missing (apt-get install -y chromium chromium-driver, or set STEWARD_CHROMIUM and STEWARD_CHROMEDRIVER)";
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{test}: {why}"
            );
            eprintln!("\n*** SKIPPED {test}: {why} ***\n");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        use std::os::unix::process::CommandExt;
        let child = std::process::Command::new(&driver)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{test}: chromedriver did not start: {e}"));
        let driver_guard = DriverGroup(child);
        let profile = tempfile::tempdir().unwrap();
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--hide-scrollbars", "--force-device-scale-factor=1",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
                ],
            }
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut client = None;
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(connected) => {
                    client = Some(connected);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        let client = client.unwrap_or_else(|| panic!("{test}: no WebDriver session within 10 s"));
        Some(Browser {
            client,
            base: base.to_string(),
            _driver: driver_guard,
            _profile: profile,
        })
    }

    /// Opens `path` of the served steward.
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    /// Clicks the element `css` selects.
    pub async fn click(&self, css: &str) {
        self.client
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Types `text` into the field `css` selects.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        self.text_of("body").await
    }

    /// The visible text of the element `css` selects ("" when there is none).
    pub async fn text_of(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Waits until the page's text contains `wanted` (`seconds` at most);
    /// the text then.
    pub async fn until_text(&self, wanted: &str, seconds: u64) -> String {
        self.until_text_in("body", wanted, seconds).await
    }

    /// Waits until the text of `css` contains `wanted` (`seconds` at most).
    pub async fn until_text_in(&self, css: &str, wanted: &str, seconds: u64) -> String {
        let mut text = String::new();
        for _ in 0..seconds * 10 {
            text = self.text_of(css).await;
            if text.contains(wanted) {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never said {wanted:?}; it says:\n{text}");
    }

    /// The path of the page shown.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Screenshots of the page at a desktop's and a phone's width, written to
    /// `docs/screenshots/NAME-desktop.png` and `NAME-phone.png`.
    pub async fn screenshots(&self, name: &str) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        for (width, (w, h)) in [("desktop", DESKTOP), ("phone", PHONE)] {
            // The whole page, up to three screens, so the README shows it all.
            self.client.set_window_size(w, h).await.unwrap();
            tokio::time::sleep(Duration::from_millis(150)).await;
            let tall = self
                .client
                .execute("return document.documentElement.scrollHeight;", vec![])
                .await
                .unwrap()
                .as_u64()
                .unwrap_or(h as u64) as u32;
            self.client
                .set_window_size(w, tall.clamp(h, 3 * h))
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_millis(150)).await;
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(dir.join(format!("{name}-{width}.png")), png).unwrap();
        }
        self.client
            .set_window_size(DESKTOP.0, DESKTOP.1)
            .await
            .unwrap();
    }

    /// Ends the WebDriver session (the driver stops on drop).
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
