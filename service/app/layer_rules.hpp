// Forced into every translation unit of kal_app (service/CMakeLists.txt): the use cases speak
// neither HTTP nor JSON. Any Beast, Asio or Boost.JSON header included after this line, directly
// or through another header, fails to compile on the first use of its namespace's name.
#pragma GCC poison asio beast json
