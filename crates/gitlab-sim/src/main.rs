//! `gitlab-sim` binary: serves the simulator until killed, or prints expected counts.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use gitlab_sim::{SimConfig, SimState, Size, Switches};

/// A strict GitLab simulator for tests and benchmarks.
#[derive(Parser, Debug)]
#[command(name = "gitlab-sim", version)]
struct Args {
    /// Data size: small, medium, large or huge.
    #[arg(long, default_value = "small")]
    size: Size,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: String,
    /// Accepted token (PRIVATE-TOKEN or Authorization: Bearer).
    #[arg(long, default_value = gitlab_sim::config::DEFAULT_TOKEN)]
    token: String,
    /// Print the expected document counts as JSON and exit.
    #[arg(long)]
    expected: bool,
    /// Print, as JSON, the requests Elastic's connector needs for this data before any
    /// follow-up (by kind, plus `total`), and exit.
    #[arg(long)]
    reference_requests: bool,
    /// Response time per request, in milliseconds: no response leaves earlier than this after its
    /// request arrived (the simulator's own work counts toward it).
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Requests allowed per minute; more get 429 with Retry-After.
    #[arg(long)]
    rate_limit_rpm: Option<u32>,
    /// Send Retry-After as an HTTP date instead of seconds.
    #[arg(long)]
    retry_after_http_date: bool,
    /// Fraction of requests answered with 502/503.
    #[arg(long, default_value_t = 0.0)]
    fault_5xx_rate: f64,
    /// Fraction of requests held (see --timeout-hold-ms), then answered with 504.
    #[arg(long, default_value_t = 0.0)]
    fault_timeout_rate: f64,
    /// How long a timeout fault holds the response, in milliseconds.
    #[arg(long, default_value_t = gitlab_sim::config::DEFAULT_TIMEOUT_HOLD_MS)]
    timeout_hold_ms: u64,
    /// Fraction of responses whose body is cut in the middle.
    #[arg(long, default_value_t = 0.0)]
    fault_truncate_rate: f64,
    /// Rewrite GraphQL responses with unexpected nulls and unknown enum values in a few nodes.
    #[arg(long)]
    drift: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if args.expected {
        let counts = gitlab_sim::expected_counts(args.size);
        println!("{}", serde_json::to_string(&counts).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    if args.reference_requests {
        let requests = gitlab_sim::reference_requests(args.size);
        println!("{}", serde_json::to_string(&requests).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let mut config = SimConfig::new(args.size);
    config.token = args.token;
    config.switches = Switches {
        latency_ms: args.latency_ms,
        rate_limit_rpm: args.rate_limit_rpm,
        retry_after_http_date: args.retry_after_http_date,
        fault_5xx_rate: args.fault_5xx_rate,
        fault_timeout_rate: args.fault_timeout_rate,
        fault_truncate_rate: args.fault_truncate_rate,
        timeout_hold_ms: args.timeout_hold_ms,
        drift: args.drift,
    };
    let listener = match tokio::net::TcpListener::bind(&args.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("gitlab-sim: cannot listen on {}: {e}", args.addr);
            return ExitCode::from(2);
        }
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or(args.addr);
    println!("gitlab-sim listening on http://{addr}");
    let _ = std::io::stdout().flush();
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match gitlab_sim::serve(listener, SimState::new(config), shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gitlab-sim: {e}");
            ExitCode::FAILURE
        }
    }
}
