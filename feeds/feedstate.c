/* feedstate.c - names of feed states (see feedstate.h). */
#include "feeds/feedstate.h"

const char *feedstate_name(FeedStateKind k)
{
    switch (k) {
    case FS_PENDING:
        return "pending";
    case FS_OK:
        return "ok";
    case FS_SLOW:
        return "slow";
    case FS_DOWN:
        return "down";
    case FS_BAD_DATA:
        return "bad-data";
    }
    return "?";
}

int feedstate_is_up(FeedStateKind k)
{
    return k == FS_OK || k == FS_SLOW;
}
