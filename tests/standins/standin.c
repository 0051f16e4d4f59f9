/*
 * Logging stand-in for the commands the emitted scripts call that touch services or CLUSTERPRO
 * (ARMLOAD, ARMKILL, ARMBCAST, NET, SC, CACLS, OSQL ...: the list is STANDINS in tests/wine.py).
 *
 * One binary, copied under each of those names. Every run appends one line to the file named by
 * the environment variable PPG_LOG (a Windows path):
 *
 *     PROGRAM arg1 arg2 ...
 *
 * PROGRAM is the executable's own file name (GetModuleFileNameW) without ".exe", upper-cased, so
 * the copy named NET.EXE logs NET however the script spelled the command; the arguments are the
 * ones the C runtime splits from the wide command line (Windows quoting rules), joined by ARG_SEP:
 * a single space by default; the injection test builds it with -DARG_SEP=0x1f (the ASCII unit
 * separator, which no validated value can hold) to see every argument apart. The line is UTF-8 and ends with LF, so Japanese ARMBCAST messages arrive intact; it is
 * written with one WriteFile on a handle opened for appending without sharing, so overlapping
 * calls cannot write over each other.
 * Exit status: 0; 1 when the environment variable PPG_FAIL is set and the logged line is PPG_FAIL or
 * starts with PPG_FAIL and a space (a test makes one command fail: PPG_FAIL="ARMLOAD id_Base");
 * 2 when PPG_LOG is unset or cannot be opened; 3 when the own name is unknown.
 * Output: when the environment variable PPG_ECHO is set, its text and CRLF go to standard output after
 * the call is logged (a test makes `sc getkeyname` answer: PPG_ECHO="[SC] GetServiceKeyName SUCCESS  Name = K").
 *
 * Build: x86_64-w64-mingw32-gcc -municode -O2 -s [-DARG_SEP=0x1f] -o standin.exe standin.c
 * (No shell32: CommandLineToArgvW would load it, about 20 ms more per call under Wine.)
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#ifndef ARG_SEP
#define ARG_SEP ' '
#endif

/* Append `w` to the buffer `buf` (capacity `cap`, used `*len`) as UTF-8. */
static void put_utf8(char *buf, size_t cap, size_t *len, const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (n <= 1 || *len + (size_t)n >= cap)
        return;
    WideCharToMultiByte(CP_UTF8, 0, w, -1, buf + *len, n, NULL, NULL);
    *len += (size_t)n - 1;
}

int wmain(int argc, wchar_t **argv)
{
    wchar_t module[4 * MAX_PATH];
    DWORD len = GetModuleFileNameW(NULL, module, sizeof module / sizeof module[0]);
    if (len == 0 || len >= sizeof module / sizeof module[0])
        return 3;
    wchar_t *name = module;
    for (wchar_t *p = module; *p; p++)
        if (*p == L'\\' || *p == L'/')
            name = p + 1;
    size_t n = wcslen(name);
    if (n > 4 && _wcsicmp(name + n - 4, L".exe") == 0)
        name[n - 4] = L'\0';
    for (wchar_t *p = name; *p; p++)
        *p = towupper(*p);

    const wchar_t *log = _wgetenv(L"PPG_LOG");
    if (!log || !*log)
        return 2;

    static char line[65536];
    size_t used = 0;
    put_utf8(line, sizeof line, &used, name);
    for (int i = 1; i < argc; i++) {
        line[used++] = ARG_SEP;
        put_utf8(line, sizeof line, &used, argv[i]);
    }
    line[used++] = '\n';

    /* The log is opened for appending with no sharing: a call that overlaps another (a loaded
       wineserver may start the next command before the previous one has let go of the file)
       waits for it instead of writing over its line. Retry for up to ten seconds. */
    HANDLE h = INVALID_HANDLE_VALUE;
    for (int attempt = 0; attempt < 500; attempt++) {
        h = CreateFileW(log, FILE_APPEND_DATA, 0, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h != INVALID_HANDLE_VALUE)
            break;
        Sleep(20);
    }
    if (h == INVALID_HANDLE_VALUE) {
        fwprintf(stderr, L"standin: cannot open log %ls\n", log);
        return 2;
    }
    DWORD written = 0;
    BOOL ok = WriteFile(h, line, (DWORD)used, &written, NULL) && written == used;
    CloseHandle(h);
    if (!ok) {
        fwprintf(stderr, L"standin: cannot write log %ls\n", log);
        return 2;
    }

    const wchar_t *echo = _wgetenv(L"PPG_ECHO");
    if (echo && *echo) {
        static char said[4096];
        size_t n = 0;
        put_utf8(said, sizeof said, &n, echo);
        said[n++] = '\r';
        said[n++] = '\n';
        fwrite(said, 1, n, stdout);
        fflush(stdout);
    }

    const wchar_t *fail = _wgetenv(L"PPG_FAIL");
    if (fail && *fail) {
        static char want[4096];
        size_t n = 0;
        put_utf8(want, sizeof want, &n, fail);
        size_t have = used - 1;                       /* without the LF */
        if (n <= have && memcmp(line, want, n) == 0 && (n == have || line[n] == ' '))
            return 1;
    }
    return 0;
}
