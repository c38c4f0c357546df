#pragma once
// The command line of `kalendarium`: each command a function taking its parsed arguments and
// returning the exit code. main() only picks the command.

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace kal::service::cli {

// A mistake in the command line (exit code 2 with the usage hint).
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct arguments {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;  // --name value (the last one when repeated)
    std::map<std::string, std::vector<std::string>> repeated;  // every value of each option, in order
    std::vector<std::string> switches;           // --demo, --help, --send
};

arguments parse_arguments(int argc, char** argv, int first, const std::vector<std::string>& switch_names);
bool has_switch(const arguments& a, const std::string& name);

extern const char* const usage;
// The help of one command, or nullptr.
const char* command_help(const std::string& command);

int serve(const arguments& a);
int migrate(const arguments& a);
int demo_data(const arguments& a);
int token(const arguments& a);
int user(const arguments& a);

}  // namespace kal::service::cli
