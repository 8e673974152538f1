use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn binary_prints_its_address_and_checks_the_api_key() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_es-sim"))
        .args(["--addr", "127.0.0.1:0", "--api-key", "secret-key"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn es-sim");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .await
        .expect("read line");
    let url = line
        .trim()
        .strip_prefix("es-sim listening on ")
        .expect("banner")
        .to_owned();
    let client = reqwest::Client::new();
    let denied = client.get(&url).send().await.expect("send");
    assert_eq!(denied.status().as_u16(), 401);
    let ok = client
        .get(&url)
        .header("Authorization", "ApiKey secret-key")
        .send()
        .await
        .expect("send");
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(ok.headers()["x-elastic-product"], "Elasticsearch");
    child.kill().await.expect("kill");
}
