/*
 * Argument-exact logging stand-in for the injection test (tests/test_injection_wine.py).
 *
 * Like tests/standins/standin.c, but each argument is kept apart: one line per run,
 *
 *     PROGRAM <US> arg1 <US> arg2 ... LF
 *
 * where <US> is the ASCII unit separator 0x1F (no validated value can hold it), in UTF-8,
 * appended to the file named by PPG_LOG with one WriteFile on an unshared handle.
 * PROGRAM is the executable's own name without ".exe", upper-cased.
 *
 * Build: x86_64-w64-mingw32-gcc -municode -O2 -s -o argv_standin.exe argv_standin.c
 */
#include <windows.h>
#include <stdlib.h>
#include <wchar.h>
#include <wctype.h>

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
    for (int i = 1; i < argc && used + 2 < sizeof line; i++) {
        line[used++] = 0x1f;
        put_utf8(line, sizeof line, &used, argv[i]);
    }
    line[used++] = '\n';

    HANDLE h = INVALID_HANDLE_VALUE;
    for (int attempt = 0; attempt < 500; attempt++) {
        h = CreateFileW(log, FILE_APPEND_DATA, 0, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h != INVALID_HANDLE_VALUE)
            break;
        Sleep(20);
    }
    if (h == INVALID_HANDLE_VALUE)
        return 2;
    DWORD written = 0;
    BOOL ok = WriteFile(h, line, (DWORD)used, &written, NULL) && written == used;
    CloseHandle(h);
    return ok ? 0 : 2;
}
