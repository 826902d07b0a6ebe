/// mimalloc: the gateway allocates many small short-lived buffers per request across its
/// threads; glibc's malloc was a tenth of the server's CPU in `axme bench` profiles.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    axme::cli::main()
}
