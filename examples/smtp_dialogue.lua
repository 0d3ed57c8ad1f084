-- An SMTP dialogue with rspamd_tcp's handler chain: every reply is read with add_read (stop pattern CRLF, one line
-- at a time, continuation lines "250-..." read until the last "250 ..."), and each callback queues the next command
-- with add_write followed by add_read. The connection closes by itself once the queue is empty (after QUIT).
--
--   actortcp run --fixtures examples/smtp_dialogue.lua
--   actortcp run examples/smtp_dialogue.lua HOST PORT      (a real SMTP server: nothing is sent after DATA's 354
--                                                            but the test message below, then QUIT)
local rspamd_tcp = require 'rspamd_tcp'

local host, port = arg[1], tonumber(arg[2])
if not (host and port) then
  assert(fixtures, 'give HOST PORT, or run with --fixtures')
  host, port = fixtures.host, fixtures.smtp
end

local message = table.concat({
  'From: alice@example.org',
  'To: bob@example.net',
  'Subject: hello from rspamd_tcp',
  '',
  'Sent by examples/smtp_dialogue.lua.',
}, '\r\n')

-- What to send after each reply, and the reply code that lets the dialogue go on.
local dialogue = {
  { expect = 220 },                                         -- the banner
  { send = 'EHLO client.example', expect = 250 },
  { send = 'MAIL FROM:<alice@example.org>', expect = 250 },
  { send = 'RCPT TO:<bob@example.net>', expect = 250 },
  { send = 'DATA', expect = 354 },
  { send = message .. '\r\n.', show = '(5 lines of message, then ".")', expect = 250 },
  { send = 'QUIT', expect = 221 },
}

local step = 1
local replies = 0

local on_reply_line

-- Queues the command of dialogue[step] (if any) and the read of its reply.
local function send_step(conn)
  local s = dialogue[step]
  if s.send then
    print('C: ' .. (s.show or s.send))
    conn:add_write(nil, s.send .. '\r\n')
  end
  conn:add_read(on_reply_line, '\r\n')
end

on_reply_line = function(err, data, conn)
  if err then
    print('error: ' .. err)
    return
  end
  local line = tostring(data)
  print('S: ' .. line)
  if line:sub(4, 4) == '-' then
    conn:add_read(on_reply_line, '\r\n')    -- a continuation line: the reply goes on
    return
  end
  replies = replies + 1
  local code = tonumber(line:sub(1, 3))
  if code ~= dialogue[step].expect then
    print(string.format('unexpected reply (wanted %d), closing', dialogue[step].expect))
    conn:close()
    return
  end
  step = step + 1
  if dialogue[step] then
    send_step(conn)
  else
    print(string.format('dialogue done: %d replies', replies))
  end
end

-- No data: the request only reads, and its callback gets the banner.
rspamd_tcp.request({
  host = host,
  port = port,
  timeout = 10,
  stop_pattern = '\r\n',
  callback = on_reply_line,
})
