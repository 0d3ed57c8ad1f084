-- rspamd_logger formatting (rspamd 3.4's, checked with rspamadm lua): slog's string for every rule, and lines of
-- the x-functions reaching the host log at info level with the caller's `file:line: `. LoggerTests.cs checks the
-- other levels and the exact log text.
local logger = require "rspamd_logger"
local slog = logger.slog
local function show(label, ...) print(label, tostring(slog(...))) end
-- esc (the scenario helpers) shows bytes outside 32..126 as \xNN, \r and \n.

-- Placeholders
show('F1 %s takes the next argument', 'a %s b %s', 'x', 'y')
show('F2 %N takes argument N', '%2 %1 %2', 'x', 'y')
show('F3 %s after %N takes N+1', '%2 %s %1%s', 'a', 'b', 'c')
show('F4 %% is a percent', '100%% %s', 'sure')
show('F5 % and another character is that character', '%d %q %-', 1)
show('F6 a trailing lone % is nothing', 'end%')
show('F7 several digits', '%12', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 'twelve')
show('F8 leading zero', '%01', 'one')
show('F9 one past the last argument', '%s %s', 1)
show('F10 two past the last argument', '%s %3', 1)
show('F11 three past the last argument', '%4', 1)
show('F12 argument 0', '%0', 1)
show('F13 the format ends at a NUL', 'a\0b %s', 1)
show('F14 no placeholders', 'plain text')

-- Values
show('V1 nil, booleans, function', '%s %s %s %s', nil, true, false, print)
show('V2 a thread is empty', '[%s]', coroutine.create(print))
show('V3 integers', '%s %s %s', 0, -42, math.mininteger)
show('V4 integral floats', '%s %s %s %s', 2.0, -0.0, 2^53, -2^63)
show('V5 other floats', '%s %s %s %s', 1.5, 0.1, 1/3, 0.1 + 0.2)
show('V6 large and small floats', '%s %s %s %s %s', 1e20, 2^63, 2^70, 1e-7, 1e-30)
show('V7 inf and nan', '%s %s %s', 1/0, -1/0, 0/0)
show('V8 unprintable bytes escaped', '%s', 'a\1b\0c\127d\11e')
print('V9 whitespace kept in slog', esc(slog('%s', 'a\tb\r\nc\12d')))
print('V10 bytes >= 0x80 kept', slog('%s', '\195\169\255') == '\195\169\255')
print('V11 the format is not escaped', esc(slog('a\1%s', 'b')))
show('V12 a userdata prints its __tostring', '%s', rspamd_text.fromstring('text'))
show('V13 a table with __tostring prints as a table', '%s', setmetatable({}, {__tostring = function() return 'X' end}))

-- Tables
show('T1 array part then other keys', '%s', {1, 2, [3] = 3, [4] = 4, key = 'v'})
show('T2 the array part stops at the first nil', '%s', {1, nil, 3})
show('T3 numeric keys up to n+1 are skipped', '%s', {1, [0] = 'zero', [-1] = 'neg', [1.5] = 'half', [2.5] = 'shown'})
show('T4 no array part: every key', '%s', {[0] = 'zero'})
show('T5 nested tables', '%s', {a = {b = {c = 1}}})
print('T6 values escaped, keys not', esc(slog('%s', {'a\1', ['k\1'] = 1})))
show('T7 a boolean key', '%s', {[true] = 1})
show('T8 a table key', '%s', {[{}] = 1})
show('T9 a float key', '%s', {[2.5] = 1})
local self_table = {1}
self_table.me = self_table
show('T10 a table containing itself', '%s', self_table)
local a, b = {}, {}
a.b, b.a = b, a
print('T11 an indirect cycle', (slog('%s', a):gsub('%x+%)', 'ADDRESS)')))
local shared = {1}
show('T12 a shared table is printed each time', '%s', {shared, shared})
show('T13 __index and __pairs are not used', '%s',
  setmetatable({1}, {__index = function() error('no') end, __pairs = function() error('no') end}))
local deep = {}
local cur = deep
for _ = 1, 100 do cur[1] = {}; cur = cur[1] end
local deep_text = slog('%s', deep)
print('T14 deep nesting is cut', select(2, deep_text:gsub('{%[1%] = ', '')), deep_text:match('{%.%.%.}}*$') ~= nil)
show('T15 an empty table', '%s', {})

-- Ids: a userdata (rspamd_config) or a task is skipped, the format follows
local cfg = rspamd_text.fromstring('cfg')
local task = setmetatable({}, {__name = 'rspamd{task}'})
show('I1 a userdata id', cfg, 'id %s', 1)
show('I2 a task id', task, 'task %s', 2)
show('I3 a number format after an id', cfg, 42)
show('I4 no format after an id', cfg)

-- The x-functions reach the host log (info level here), with the caller's position
logger.infox('infox reaches the log %s', 1)
-- @log: logger_format.lua:76: infox reaches the log 1
logger.infox(cfg, 'infox with an id %1', 'x')
-- @log: logger_format.lua:78: infox with an id x
logger.infox(task, 'infox with a task %s', {1})
-- @log: logger_format.lua:80: infox with a task {[1] = 1}
logger.messagex('messagex %s', 'm')
-- @log: logger_format.lua:82: messagex m
logger.msgx('msgx %s', 'm')
-- @log: logger_format.lua:84: msgx m
logger.infox('log lines escape %s', 'CR\rLF\n')
-- @log: logger_format.lua:86: log lines escape CR\0dLF\0a
logger.info('info logs its text as it is: %s')
-- @log: logger_format.lua:88: info logs its text as it is: %s
logger.message('message')
-- @log: logger_format.lua:90: message
logger.msg(42)
-- @log: logger_format.lua:92: 42
logger.logx(64, 'module', 'id', 'logx info %s', 1)
-- @log: logger_format.lua:94: logx info 1
local function helper() logger.logx(32, 'module', nil, 2, 'logx at the helper caller') end
helper()
-- @log: logger_format.lua:97: logx at the helper caller
print('L1 log_level', logger.log_level())
print('L2 require and the global', require('rspamd_logger') == rspamd_logger)
