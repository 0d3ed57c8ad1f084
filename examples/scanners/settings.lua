-- Scanner settings for scanners.lua, loaded before it: rule name -> options, the keys of rspamd's antivirus.conf and
-- external_services.conf sections (servers, timeout, retransmits, scan_mime_parts, patterns, ...).
scanner_settings = {
  clamav = {
    type = 'clamav',
    symbol = 'CLAM_VIRUS',
    servers = '127.0.0.1:3310',
    -- rspamd's default: each attachment on its own; false sends the whole message
    scan_mime_parts = true,
    timeout = 5,
    retransmits = 2,
  },
  spamassassin = {
    type = 'spamassassin',
    symbol = 'SPAMD',
    servers = '127.0.0.1:783',
    timeout = 10,
  },
}
