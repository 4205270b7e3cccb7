# Writes the JSON schema into a C++ source file as a raw string literal.
file(READ ${IN} text)
file(WRITE ${OUT} "// Generated from schema/sandlock-profile.schema.json; do not edit.\n#include <string_view>\nnamespace sandlock {\nextern const std::string_view kProfileSchemaJson;\nconst std::string_view kProfileSchemaJson = R\"sandlock_schema(${text})sandlock_schema\";\n}\n")
