// The one place that turns diagnostics into text for people and machines.
#pragma once

#include <string>

#include "engine/diag/diagnostic.h"

namespace sandlock {

enum class DiagFormat { Text, Json, Github, Sarif };

// Parses "text", "json", "github", "sarif"; false if unknown.
bool parse_diag_format(const std::string& name, DiagFormat& out);

// text:   file:line:col: error: message [code]\n  at key.path\n  hint: ...
// json:   {"diagnostics":[{severity,code,file,line,column,key_path,message,hint}]}
// github: ::error file=F,line=L,col=C,title=code::message (hint)
// sarif:  a SARIF 2.1.0 log with one run of tool "sandlock"
std::string render(const Diagnostics& diags, DiagFormat format);

std::string severity_name(Severity s);

}  // namespace sandlock
