/* id.h — record identifiers made by the node that creates the record.
 *
 * UUIDv7 layout (RFC 9562 §5.7): 48-bit Unix milliseconds, version, 74 random
 * bits from libsodium. Sorting ids sorts by creation time; two offline nodes
 * never collide in practice.
 */
#ifndef SJ_ID_H
#define SJ_ID_H

#include <stddef.h>

#define ID_LEN 36   /* text length, without the NUL */

/* id_new writes a fresh UUIDv7 as 36 lower-case characters plus NUL into out. */
void id_new(char out[ID_LEN + 1]);
/* id_valid returns 1 when s is 36 characters of canonical lower-case UUID text. */
int id_valid(const char *s);
/* id_token writes nbytes of randomness as unpadded base64url into out
 * (out must hold 4*nbytes/3+4 bytes). */
void id_token(char *out, size_t outsz, size_t nbytes);

#endif
