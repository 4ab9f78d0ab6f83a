/* cmd_report.c - "ioc report": a supervisor's daily KPI report from the archive. */
#include <limits.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "config/config.h"
#include "ioc/cli.h"
#include "base/i18n.h"
#include "export/report.h"
#include "export/report_build.h"

/* report_write() in the shape cli_write_output() takes. */
static int write_any(const void *obj, int fmt, FILE *out)
{
    return report_write((const Report *)obj, (ReportFormat)fmt, out);
}

/* The local date of now plus days (0 today, -1 yesterday) as YYYY-MM-DD. */
static void local_date(int days, char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    struct tm d = {.tm_year = tm.tm_year,
                   .tm_mon = tm.tm_mon,
                   .tm_mday = tm.tm_mday + days,
                   .tm_hour = 12,
                   .tm_isdst = -1};
    mktime(&d);
    snprintf(buf, n, "%04d-%02d-%02d", d.tm_year + 1900, d.tm_mon + 1, d.tm_mday);
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"date", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},         {0, 0, 0, 0},
    };
    const char *path = NULL, *date = NULL, *out = NULL;
    char found[PATH_MAX]; /* the config found when -c is not given */
    ReportFormat fmt = REPORT_TEXT;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":c:d:f:o:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            path = optarg;
            break;
        case 'd':
            date = optarg;
            break;
        case 'f':
            if (!report_format_from_name(optarg, &fmt)) {
                char names[64];
                return cli_usage_error("report", _("unknown format '%s' (%s)"), optarg,
                                       report_format_names(names, sizeof names));
            }
            break;
        case 'o':
            out = optarg;
            break;
        default:
            return cli_other_option("report", ch, argv);
        }
    }
    int rc = cli_no_operands("report", argc, argv);
    if (rc < 0) rc = cli_need_config("report", &path, found, sizeof(found), NULL);
    if (rc >= 0) return rc;

    const CliStart start = {.cmd = "report"};
    Config *cfg = cli_load_config(&start, path, NULL, NULL);
    if (!cfg) return IOC_EXIT_USAGE;
    rc = IOC_EXIT_USAGE;
    if (!cfg->archive) {
        fprintf(stderr, "ioc report: %s\n",
                _("the config has no archive (ioc.archive is off); nothing to report from"));
        goto out;
    }
    cli_set_zone(&start, cfg);
    char day[40];
    if (date && strcmp(date, "today") == 0) {
        local_date(0, day, sizeof(day));
        date = day;
    } else if (date && strcmp(date, "yesterday") == 0) {
        local_date(-1, day, sizeof(day));
        date = day;
    }
    int64_t from, to;
    if (date && !report_day_bounds(date, &from, &to)) {
        rc = cli_usage_error(
            "report", _("invalid date '%s' (expected YYYY-MM-DD, today or yesterday)"), date);
        goto out;
    }
    struct stat st;
    if (stat(cfg->archive, &st) != 0) {
        fprintf(stderr,
                _("ioc report: no archive at %s (ioc console or ioc run writes it; see "
                  "ioc.archive)\n"),
                cfg->archive);
        goto out;
    }
    Report r;
    char err[512];
    rc = IOC_EXIT_FAIL;
    if (report_build(cfg->archive, cfg, date, &r, err, sizeof(err)) != 0)
        fprintf(stderr, "ioc report: %s\n", err);
    else if (cli_write_output("report", out, write_any, &r, (int)fmt) == 0)
        rc = IOC_EXIT_OK;
    report_free(&r);
out:
    cfg_free(cfg);
    return rc;
}
