// `lepton train PROJECT --nproc N`: N data-parallel workers on this machine,
// started the way torchrun starts them, each this same program with the
// torchrun environment (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR,
// MASTER_PORT).
#include "commands.h"

#include "train/workerplace.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace lepton::cli {
namespace {

volatile sig_atomic_t g_workers = 0; // the workers' process group

// The workers have their own process group, so a Ctrl+C at the terminal
// reaches them once, from here, and never twice.
extern "C" void forwardSignal(int signal)
{
    const int savedErrno = errno;
    if (g_workers > 0)
        kill(-static_cast<pid_t>(g_workers), signal);
    errno = savedErrno;
}

std::vector<std::string> workerArguments(const TrainOptions& options)
{
    std::vector<std::string> arguments{"lepton", "train", options.projectPath};
    if (options.epochs)
        arguments.insert(arguments.end(), {"--epochs", std::to_string(*options.epochs)});
    if (options.device)
        arguments.insert(arguments.end(), {"--device", *options.device});
    if (options.cores > 0)
        arguments.insert(arguments.end(), {"--threads", std::to_string(options.cores)});
    if (options.json)
        arguments.push_back("--json");
    if (options.resume)
        arguments.push_back("--resume");
    if (!options.weights.empty())
        arguments.insert(arguments.end(), {"--weights", options.weights});
    for (const std::string& value : options.overrides)
        arguments.insert(arguments.end(), {"--set", value});
    if (!options.checkpointDir.empty())
        arguments.insert(arguments.end(), {"--checkpoints", options.checkpointDir});
    if (!options.tags.empty())
        arguments.insert(arguments.end(), {"--tag", options.tags});
    return arguments;
}

// Runs in the forked child: becomes worker `rank` or exits 127.
[[noreturn]] void becomeWorker(int rank, int count, int port, std::vector<std::string> arguments)
{
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGUSR1})
        std::signal(signal, SIG_DFL); // not forwardSignal: that is the launcher's
    const sigset_t held = trainSignals();
    sigprocmask(SIG_BLOCK, &held, nullptr);
    setpgid(0, static_cast<pid_t>(g_workers)); // 0: this first worker leads the group
    setenv("WORLD_SIZE", std::to_string(count).c_str(), 1);
    setenv("LOCAL_WORLD_SIZE", std::to_string(count).c_str(), 1);
    setenv("RANK", std::to_string(rank).c_str(), 1);
    setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
    setenv("MASTER_ADDR", "127.0.0.1", 1);
    setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
    if (rank > 0) { // only rank 0 reports; the others' errors still reach stderr
        if (const int null = open("/dev/null", O_WRONLY); null >= 0) {
            dup2(null, STDOUT_FILENO);
            close(null);
        }
    }
    std::vector<char*> argv;
    for (std::string& argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    std::cerr << "lepton: cannot start worker " << rank << ": " << std::strerror(errno) << '\n';
    _exit(127);
}

int exitCode(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

int runLocalWorkers(const TrainOptions& options)
{
    const int count = options.processes;
    if (std::getenv("WORLD_SIZE"))
        throw std::runtime_error("--nproc starts its own workers, but WORLD_SIZE is already set: this process"
                                 " is a worker of another launcher; leave out --nproc or WORLD_SIZE");
    const char* masterPort = std::getenv("MASTER_PORT");
    const int port = masterPort && *masterPort ? std::atoi(masterPort) : freeLoopbackPort();
    const std::vector<std::string> arguments = workerArguments(options);

    struct sigaction forward{};
    forward.sa_handler = forwardSignal;
    sigemptyset(&forward.sa_mask);
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGUSR1})
        sigaction(signal, &forward, nullptr);

    std::vector<pid_t> workers;
    for (int rank = 0; rank < count; ++rank) {
        const pid_t pid = fork();
        if (pid < 0) {
            forwardSignal(SIGTERM);
            throw std::runtime_error(std::string("cannot start worker ") + std::to_string(rank) + ": "
                                     + std::strerror(errno));
        }
        if (pid == 0)
            becomeWorker(rank, count, port, arguments);
        if (rank == 0)
            g_workers = pid;
        setpgid(pid, static_cast<pid_t>(g_workers)); // also here: whichever of the two runs first
        workers.push_back(pid);
    }

    // A worker that fails leaves the others waiting for it: end them too, and
    // answer with its exit code, not theirs.
    int firstFailure = 0;
    int rankZeroCode = 0;
    bool ended = false;
    for (size_t running = workers.size(); running > 0;) {
        int status = 0;
        const pid_t pid = waitpid(-static_cast<pid_t>(g_workers), &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        --running;
        const int code = exitCode(status);
        if (pid == workers.front())
            rankZeroCode = code;
        if (code != 0 && code != 130 && !ended) {
            firstFailure = code;
            ended = true;
            forwardSignal(SIGTERM);
        }
    }
    return firstFailure != 0 ? firstFailure : rankZeroCode;
}

} // namespace lepton::cli
