//! `es-sim`: serves the Elasticsearch simulator over plain HTTP until killed.

use std::net::SocketAddr;

use clap::Parser;

/// A strict in-memory Elasticsearch 9.x simulator for tests.
#[derive(Parser)]
#[command(name = "es-sim", version)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:9200")]
    addr: SocketAddr,
    /// Accept only `Authorization: ApiKey <KEY>` (plus the basic credentials, if given).
    #[arg(long)]
    api_key: Option<String>,
    /// Basic-auth user to accept (needs --password).
    #[arg(long, requires = "password")]
    username: Option<String>,
    /// Basic-auth password to accept (needs --username).
    #[arg(long, requires = "username")]
    password: Option<String>,
    /// Refuse direct access to the connector system indices without X-elastic-product-origin.
    #[arg(long)]
    require_product_origin: bool,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = Args::parse();
    let config = es_sim::SimConfig {
        api_key: args.api_key,
        basic: args.username.zip(args.password),
        require_product_origin: args.require_product_origin,
    };
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let addr = listener.local_addr()?;
    println!("es-sim listening on http://{addr}");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    es_sim::serve(listener, es_sim::EsSimState::new(config), shutdown).await
}
