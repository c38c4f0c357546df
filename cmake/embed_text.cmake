# cmake -DIN=file -DOUT=file.cpp -DNAME=kal::service::embedded_openapi -P embed_text.cmake
# Writes a C++ file defining `extern const char* const NAME` with the bytes of IN, as hex so
# that no content can break the literal.
file(READ "${IN}" _hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" _escaped "${_hex}")
string(REGEX MATCH "^(.*)::([^:]+)$" _m "${NAME}")
set(_ns "${CMAKE_MATCH_1}")
set(_var "${CMAKE_MATCH_2}")
file(WRITE "${OUT}.tmp" "// Generated from ${IN}; do not edit.\nnamespace ${_ns} {\nextern const char* const ${_var};\nconst char* const ${_var} = \"${_escaped}\";\n}\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
