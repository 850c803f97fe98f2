// libcurl's declarations only: lode does not link libcurl. It is loaded
// with dlopen the first time an S3 remote sends a request, so commands that
// never touch S3 (and `lode --version`) do not pay for loading it and the
// thirty libraries it pulls in (≈ 5 ms at every start, measured).
#include <curl/curl.h>
#include <dlfcn.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot
// call through a function pointer: these typed wrappers make the call in C.
typedef CURLcode (*lode_curl_setopt_fn)(CURL *, CURLoption, ...);
typedef CURLcode (*lode_curl_getinfo_fn)(CURL *, CURLINFO, ...);
typedef size_t (*lode_curl_data_callback)(char *, size_t, size_t, void *);

static inline CURLcode lode_curl_setopt_long(void *fn, CURL *handle, CURLoption option, long value) {
  return ((lode_curl_setopt_fn)fn)(handle, option, value);
}

static inline CURLcode lode_curl_setopt_pointer(void *fn, CURL *handle, CURLoption option, const void *value) {
  return ((lode_curl_setopt_fn)fn)(handle, option, value);
}

static inline CURLcode lode_curl_setopt_offset(void *fn, CURL *handle, CURLoption option, curl_off_t value) {
  return ((lode_curl_setopt_fn)fn)(handle, option, value);
}

static inline CURLcode lode_curl_setopt_callback(void *fn, CURL *handle, CURLoption option,
                                                 lode_curl_data_callback value) {
  return ((lode_curl_setopt_fn)fn)(handle, option, value);
}

static inline CURLcode lode_curl_getinfo_long(void *fn, CURL *handle, CURLINFO info, long *value) {
  return ((lode_curl_getinfo_fn)fn)(handle, info, value);
}
