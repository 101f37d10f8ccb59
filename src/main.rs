fn main() {
    std::process::exit(devops_lint::cli::main());
}
