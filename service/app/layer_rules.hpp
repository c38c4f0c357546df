// Forced into every translation unit of kal_app (service/CMakeLists.txt): the use cases speak
// neither HTTP nor JSON. Beast and Asio: their namespace names are poisoned, so including any of
// their headers, directly or through another header, fails to compile. Boost.JSON: its headers'
// include guards are defined here, so an include of one leaves boost::json undeclared and the
// first use of it fails to compile (poisoning "json" would also hit Boost.URL, which the rules for
// web addresses use). HTML is not a header: the before-stop hook and review keep it out.
#pragma GCC poison asio beast
#define BOOST_JSON_ARRAY_HPP
#define BOOST_JSON_BASIC_PARSER_HPP
#define BOOST_JSON_BASIC_PARSER_IMPL_HPP
#define BOOST_JSON_CONVERSION_HPP
#define BOOST_JSON_ERROR_HPP
#define BOOST_JSON_FWD_HPP
#define BOOST_JSON_HPP
#define BOOST_JSON_KIND_HPP
#define BOOST_JSON_MEMORY_RESOURCE_HPP
#define BOOST_JSON_MONOTONIC_RESOURCE_HPP
#define BOOST_JSON_NULL_RESOURCE_HPP
#define BOOST_JSON_OBJECT_HPP
#define BOOST_JSON_PARSER_HPP
#define BOOST_JSON_PARSE_HPP
#define BOOST_JSON_PARSE_OPTIONS_HPP
#define BOOST_JSON_PILFER_HPP
#define BOOST_JSON_SERIALIZER_HPP
#define BOOST_JSON_SERIALIZE_HPP
#define BOOST_JSON_SRC_HPP
#define BOOST_JSON_STATIC_RESOURCE_HPP
#define BOOST_JSON_STORAGE_PTR_HPP
#define BOOST_JSON_STREAM_PARSER_HPP
#define BOOST_JSON_STRING_HPP
#define BOOST_JSON_STRING_VIEW_HPP
#define BOOST_JSON_SYSTEM_ERROR_HPP
#define BOOST_JSON_VALUE_FROM_HPP
#define BOOST_JSON_VALUE_HPP
#define BOOST_JSON_VALUE_REF_HPP
#define BOOST_JSON_VALUE_STACK_HPP
#define BOOST_JSON_VALUE_TO_HPP
#define BOOST_JSON_VISIT_HPP
