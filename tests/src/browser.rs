//! Headless Chromium driven over WebDriver: Debian's `chromium` and `chromedriver` (the test
//! script installs both), a fresh profile and download folder per browser.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::{free_port, wait_for_port};

/// A headless Chromium session.
pub struct Browser {
    client: Option<Client>,
    driver: Child,
    profile: tempfile::TempDir,
    downloads: tempfile::TempDir,
}

/// What a view shows once drawn: `ready`, or `refused` with the API's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// The view's figures are on the page.
    Ready,
    /// The API refused: its HTTP status.
    Refused(u16),
    /// The sign-in form is shown.
    SignIn,
}

fn program(name: &str, debian: &str) -> PathBuf {
    let debian = PathBuf::from(debian);
    if debian.exists() {
        debian
    } else {
        PathBuf::from(name)
    }
}

impl Browser {
    /// Starts chromedriver on a free port and a headless Chromium session with a window of
    /// `width` × `height` CSS pixels.
    pub async fn start(width: u32, height: u32) -> Browser {
        let profile = tempfile::tempdir().expect("a profile folder");
        let downloads = tempfile::tempdir().expect("a download folder");
        let port = free_port();
        let log = std::fs::File::create(profile.path().join("chromedriver.log")).expect("a log");
        // Its own process group, so that the browsers it starts are stopped with it.
        let driver = Command::new(program("chromedriver", "/usr/bin/chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(log)
            .process_group(0)
            .spawn()
            .expect("chromedriver is installed (scripts/install-deps --test)");
        let up = tokio::task::spawn_blocking(move || wait_for_port(port, Duration::from_secs(30)))
            .await
            .unwrap_or(false);
        assert!(up, "chromedriver did not start on {port}");
        let user_data = profile.path().join("profile");
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": program("chromium", "/usr/bin/chromium"),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--hide-scrollbars", "--lang=vi-VN",
                    format!("--user-data-dir={}", user_data.display()),
                    format!("--window-size={width},{height}"),
                ],
                "prefs": {
                    "download.default_directory": downloads.path(),
                    "download.prompt_for_download": false,
                },
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object")
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a Chromium session");
        let browser = Browser {
            client: Some(client),
            driver,
            profile,
            downloads,
        };
        browser.resize(width, height).await;
        browser
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("the session is open")
    }

    /// Makes the page's viewport `width` × `height` CSS pixels.
    pub async fn resize(&self, width: u32, height: u32) {
        let client = self.client();
        client
            .set_window_size(width, height)
            .await
            .expect("the window resized");
        // The window includes no browser chrome in headless mode, but make sure of it.
        let inner = client
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await
            .expect("the viewport");
        let (w, h) = (
            inner[0].as_u64().unwrap_or(0),
            inner[1].as_u64().unwrap_or(0),
        );
        if (w, h) != (u64::from(width), u64::from(height)) {
            let (dw, dh) = (
                u64::from(width).saturating_sub(w),
                u64::from(height).saturating_sub(h),
            );
            client
                .set_window_size(width + dw as u32, height + dh as u32)
                .await
                .expect("the window resized");
        }
    }

    /// Opens `url` and waits until its view is drawn.
    pub async fn open(&self, url: &str) -> Shown {
        self.client().goto(url).await.expect("the page opens");
        self.wait_drawn().await
    }

    /// Goes to the fragment `hash` (`#/province/31`) and waits until that view is drawn.
    pub async fn go(&self, hash: &str) -> Shown {
        self.client()
            .execute("location.hash = arguments[0];", vec![json!(hash)])
            .await
            .expect("the fragment set");
        self.wait_drawn().await
    }

    /// Waits until the view for the current fragment is drawn (or the sign-in form shows).
    pub async fn wait_drawn(&self) -> Shown {
        let script = "const v = document.getElementById('view');
            if (!document.getElementById('signin').hidden) return ['signin', ''];
            if (v.dataset.route !== location.hash || location.hash === '') return ['', ''];
            const r = v.querySelector('[data-k=refusal]');
            return [v.dataset.state, r ? r.dataset.status : ''];";
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let answer = self
                .client()
                .execute(script, vec![])
                .await
                .expect("the page answers");
            match (answer[0].as_str(), answer[1].as_str()) {
                (Some("ready"), _) => return Shown::Ready,
                (Some("refused"), Some(status)) => {
                    return Shown::Refused(status.parse().expect("an HTTP status"));
                }
                (Some("signin"), _) => return Shown::SignIn,
                _ => {}
            }
            assert!(
                Instant::now() < deadline,
                "the view was not drawn within 30 s: {answer}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until `script` (a function body) returns true, for at most `timeout`.
    pub async fn wait_until(&self, script: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            let answer = self.client().execute(script, vec![]).await;
            if answer.is_ok_and(|v| v == Value::Bool(true)) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    /// Runs `script` (a function body) with `args` and returns what it returns.
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Value {
        self.client()
            .execute(script, args)
            .await
            .expect("the script runs")
    }

    /// The text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        let element = self
            .client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} is on the page: {e}"));
        element.text().await.expect("its text")
    }

    /// Clicks the first element matching `css`; found again when the page redrew it between
    /// finding and clicking (a refresh may replace the view), as a person would click again.
    pub async fn click(&self, css: &str) {
        for attempt in 1..=3 {
            let element = self
                .client()
                .find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("{css} is on the page: {e}"));
            match element.click().await {
                Ok(()) => return,
                Err(e) if attempt < 3 && e.to_string().contains("stale element") => continue,
                Err(e) => panic!("{css} clicked: {e}"),
            }
        }
    }

    /// Types `text` into the field matching `css`, after clearing it.
    pub async fn type_into(&self, css: &str, text: &str) {
        let element = self
            .client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} is on the page: {e}"));
        element.clear().await.expect("cleared");
        element.send_keys(text).await.expect("typed");
    }

    /// Saves a PNG of the whole page (its full height) to `path`.
    pub async fn screenshot(&self, path: &Path) {
        let (width, height) = {
            let size = self
                .eval("return [window.innerWidth, window.innerHeight, document.documentElement.scrollHeight];", vec![])
                .await;
            let w = size[0].as_u64().unwrap_or(1280) as u32;
            (
                w,
                (
                    size[1].as_u64().unwrap_or(800),
                    size[2].as_u64().unwrap_or(800),
                ),
            )
        };
        let (viewport, full) = height;
        self.resize(width, full.max(viewport) as u32).await;
        self.wait_drawn().await;
        let png = self.client().screenshot().await.expect("a screenshot");
        self.resize(width, viewport as u32).await;
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).expect("the screenshot folder");
        }
        std::fs::write(path, png).expect("the screenshot written");
    }

    /// Waits for a finished download named `name` and returns its bytes.
    pub async fn downloaded(&self, name: &str) -> Vec<u8> {
        let path = self.downloads.path().join(name);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let partial = self.downloads.path().join(format!("{name}.crdownload"));
            if path.exists() && !partial.exists() {
                return std::fs::read(&path).expect("the download read");
            }
            assert!(
                Instant::now() < deadline,
                "{name} was not downloaded within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Ends the session and stops the browser.
    pub async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if std::thread::panicking() {
            crate::print_log_tail(
                "chromedriver",
                &self.profile.path().join("chromedriver.log"),
                20,
            );
        }
        // The driver and every browser it started share its process group.
        let group = -(self.driver.id() as libc::pid_t);
        // Signalling our own child's process group has no memory-safety concern.
        #[allow(unsafe_code)]
        unsafe {
            libc::kill(group, libc::SIGKILL);
        }
        let _ = self.driver.wait();
    }
}
