#include "core/err.h"

const char *sj_err_name(sj_err e)
{
	switch (e) {
	case SJ_OK: return "ok";
	case SJ_ENOMEM: return "out-of-memory";
	case SJ_EINVAL: return "invalid";
	case SJ_EUNPROCESSABLE: return "unprocessable";
	case SJ_ENOTFOUND: return "not-found";
	case SJ_ECONFLICT: return "conflict";
	case SJ_EAUTH: return "unauthenticated";
	case SJ_EFORBIDDEN: return "forbidden";
	case SJ_ELIMIT: return "limit";
	case SJ_EBUSY: return "busy";
	case SJ_EDB: return "database";
	case SJ_EIO: return "io";
	case SJ_ECRYPTO: return "crypto";
	case SJ_EINTERNAL: return "internal";
	case SJ_EUNAVAIL: return "unavailable";
	case SJ_ERR__COUNT: break;
	}
	return "internal";
}
