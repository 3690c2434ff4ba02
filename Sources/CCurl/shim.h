#ifndef BROKER_CCURL_SHIM_H
#define BROKER_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt / curl_easy_getinfo / curl_multi_setopt are variadic: typed wrappers. */
typedef size_t (*shim_curl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*shim_curl_xferinfo_cb)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                     curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode shim_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode shim_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode shim_curl_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode shim_curl_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode shim_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode shim_curl_setopt_data_cb(CURL *h, CURLoption o, shim_curl_data_cb v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode shim_curl_setopt_xferinfo_cb(CURL *h, shim_curl_xferinfo_cb v) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v); }

static inline CURLcode shim_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode shim_curl_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode shim_curl_getinfo_str(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode shim_curl_getinfo_ptr(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode shim_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
/* libcurl's socket API (a multi handle whose sockets an event loop watches). */
typedef int (*shim_curl_socket_cb)(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp);
typedef int (*shim_curl_timer_cb)(CURLM *multi, long timeout_ms, void *userp);
static inline CURLMcode shim_curl_multi_socket_callback(CURLM *m, shim_curl_socket_cb cb, void *userp) {
    CURLMcode code = curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, cb);
    return code != CURLM_OK ? code : curl_multi_setopt(m, CURLMOPT_SOCKETDATA, userp);
}
static inline CURLMcode shim_curl_multi_timer_callback(CURLM *m, shim_curl_timer_cb cb, void *userp) {
    CURLMcode code = curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, cb);
    return code != CURLM_OK ? code : curl_multi_setopt(m, CURLMOPT_TIMERDATA, userp);
}
static inline curl_socket_t shim_curl_socket_timeout(void) { return CURL_SOCKET_TIMEOUT; }
/* Additions for the transport (Sources/Adapters/Transport). */
static inline long shim_curl_global_default(void) { return CURL_GLOBAL_DEFAULT; }
/* The result code of a finished transfer (CURLMsg's union is awkward from Swift). */
static inline CURLcode shim_curl_msg_result(const CURLMsg *m) { return m->data.result; }
static inline int shim_curl_msg_is_done(const CURLMsg *m) { return m->msg == CURLMSG_DONE; }
#endif
