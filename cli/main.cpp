// sandlock command line: argument parsing and output only; the logic lives in engine/.
#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"sandlock: declarative Landlock + seccomp sandboxing"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
