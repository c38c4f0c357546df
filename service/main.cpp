// kalendarium: picks the command and turns what it throws into an exit code. Only wires.

#include <iostream>

#include <malloc.h>

#include "kal/config/config.hpp"
#include "kal/db/errors.hpp"
#include "kal/service/app/access.hpp"
#include "kal/service/cli/commands.hpp"
#include "kal/service/http/server.hpp"

int main(int argc, char** argv) {
    namespace cli = kal::service::cli;
    kal::service::http::server::ignore_broken_pipes();  // before any thread starts
    // glibc gives the top of a thread's heap back to the kernel once 128 KiB of it are free, and
    // the next answer rendered there (a 50 KB meeting list) takes the pages again, each faulted
    // in and zeroed: 5.7 page faults a request of the token list (docs/benchmarks.md, "What the token
    // list could reach"). Up to 4 MiB stay with each heap; blocks from 1 MiB up are mapped on their own.
    mallopt(M_TRIM_THRESHOLD, 4 << 20);
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    if (argc < 2) {
        std::cerr << cli::usage;
        return 2;
    }
    std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << cli::usage;
        return 0;
    }
    try {
        kal::service::app::init_crypto();
        auto args = cli::parse_arguments(argc, argv, 2, {"demo", "help", "send"});
        if (cli::has_switch(args, "help")) {
            auto help = cli::command_help(command);
            if (!help) throw cli::usage_error("unknown command " + command);
            std::cout << help;
            return 0;
        }
        if (command == "serve") return cli::serve(args);
        if (command == "migrate") return cli::migrate(args);
        if (command == "token") return cli::token(args);
        if (command == "user") return cli::user(args);
        if (command == "demo-data") return cli::demo_data(args);
        throw cli::usage_error("unknown command " + command);
    } catch (const cli::usage_error& e) {
        std::cerr << "kalendarium: " << e.what() << "\n(see kalendarium --help)\n";
        return 2;
    } catch (const kal::config::config_error& e) {
        std::cerr << "kalendarium: invalid configuration: " << e.what() << "\n";
        return 2;
    } catch (const kal::db::unavailable& e) {
        std::cerr << "kalendarium: database unavailable: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "kalendarium: " << e.what() << "\n";
        return 1;
    }
}
