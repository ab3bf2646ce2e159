#define _GNU_SOURCE
#include "CBatchSocket.h"
#include <stddef.h>

_Static_assert(sizeof(struct cbatch_mmsghdr) == sizeof(struct mmsghdr), "mmsghdr layout");
_Static_assert(offsetof(struct cbatch_mmsghdr, msg_len) == offsetof(struct mmsghdr, msg_len), "mmsghdr layout");

const int cbatch_msg_waitforone = MSG_WAITFORONE;

int cbatch_recvmmsg(int fd, struct cbatch_mmsghdr *messages, unsigned int count, int flags) {
    return recvmmsg(fd, (struct mmsghdr *)messages, count, flags, NULL);
}

int cbatch_sendmmsg(int fd, struct cbatch_mmsghdr *messages, unsigned int count, int flags) {
    return sendmmsg(fd, (struct mmsghdr *)messages, count, flags);
}
