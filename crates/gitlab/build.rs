//! Registers the vendored GitLab CE 18.5 schema with cynic, so every query in `src/graphql/`
//! is checked against it at compile time.

fn main() {
    println!("cargo::rerun-if-changed=schema/gitlab-ce-18.5.graphql");
    cynic_codegen::register_schema("gitlab")
        .from_sdl_file("schema/gitlab-ce-18.5.graphql")
        .expect("the vendored GitLab schema exists")
        .as_default()
        .expect("the vendored GitLab schema parses");
}
