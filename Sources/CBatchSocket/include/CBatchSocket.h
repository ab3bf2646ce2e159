#ifndef CBATCHSOCKET_H
#define CBATCHSOCKET_H

#include <sys/socket.h>

// recvmmsg(2) and sendmmsg(2) are GNU extensions that Swift's Glibc module does not show: this target
// compiles with _GNU_SOURCE and hands them over under names of its own, with the same layout.
struct cbatch_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

int cbatch_recvmmsg(int fd, struct cbatch_mmsghdr *messages, unsigned int count, int flags);
int cbatch_sendmmsg(int fd, struct cbatch_mmsghdr *messages, unsigned int count, int flags);

// The flag for recvmmsg to wait for the first message only, then take what has already arrived.
extern const int cbatch_msg_waitforone;

#endif
