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
 * ones the C runtime splits from the wide command line (Windows quoting rules), joined by single
 * spaces. The line is UTF-8 and ends with LF, so Japanese ARMBCAST messages arrive intact.
 * Exit status: 0; 2 when PPG_LOG is unset or cannot be opened; 3 when the own name is unknown.
 *
 * Build: x86_64-w64-mingw32-gcc -municode -O2 -s -o standin.exe standin.c
 * (No shell32: CommandLineToArgvW would load it, about 20 ms more per call under Wine.)
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include <wctype.h>

/* Write `w` to `f` as UTF-8. */
static void put_utf8(FILE *f, const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (n <= 1)
        return;
    char *s = malloc(n);
    if (s && WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL))
        fputs(s, f);
    free(s);
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
    /* Under a loaded wineserver the log may still be held for a moment by the previous call:
       retry for up to two seconds rather than lose a line. */
    FILE *f = NULL;
    for (int attempt = 0; attempt < 100 && !(f = _wfopen(log, L"ab")); attempt++)
        Sleep(20);
    if (!f) {
        fwprintf(stderr, L"standin: cannot open log %ls\n", log);
        return 2;
    }
    put_utf8(f, name);
    for (int i = 1; i < argc; i++) {
        fputc(' ', f);
        put_utf8(f, argv[i]);
    }
    fputc('\n', f);
    fclose(f);
    return 0;
}
