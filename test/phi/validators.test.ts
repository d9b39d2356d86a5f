import { describe, expect, it } from 'vitest'
import { ipv4Valid, ipv6Valid, luhnValid, ssnValid, vinValid } from '../../plugins/phi/index.ts'

describe('validators', () => {
  it('Luhn accepts valid card numbers and rejects a one-digit change', () => {
    expect(luhnValid('4539 1488 0343 6467')).toBe(true)
    expect(luhnValid('4539148803436467')).toBe(true)
    expect(luhnValid('4539148803436468')).toBe(false)
    expect(luhnValid('0000')).toBe(false) // too short to be an account number
  })
  it('SSN rules: no 000/666/9xx area, no 00 group, no 0000 serial', () => {
    expect(ssnValid('123-45-6789')).toBe(true)
    for (const bad of ['000-12-3456', '666-12-3456', '912-34-5678', '123-00-4567', '123-45-0000', '12-345-678']) expect(ssnValid(bad)).toBe(false)
  })
  it('IPv4 octets are 0–255 without leading zeros', () => {
    expect(ipv4Valid('192.168.1.20')).toBe(true)
    expect(ipv4Valid('256.1.1.1')).toBe(false)
    expect(ipv4Valid('01.2.3.4')).toBe(false)
  })
  it('IPv6 needs :: or 8 groups, so clock times fail', () => {
    expect(ipv6Valid('2001:db8::1')).toBe(true)
    expect(ipv6Valid('2001:0db8:85a3:0000:0000:8a2e:0370:7334')).toBe(true)
    expect(ipv6Valid('10:30:45')).toBe(false)
    expect(ipv6Valid('1::2::3')).toBe(false)
  })
  it('VIN check digit', () => {
    expect(vinValid('1M8GDM9AXKP042788')).toBe(true)
    expect(vinValid('1M8GDM9A1KP042788')).toBe(false)
    expect(vinValid('1M8GDM9AXKP04278O')).toBe(false) // O is not allowed
  })
})
