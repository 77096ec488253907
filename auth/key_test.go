package auth

import (
	"strings"
	"testing"
)

func TestNewKeyFormat(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		key, id, err := NewKey()
		if err != nil {
			t.Fatal(err)
		}
		if len(key) != KeyLen || !strings.HasPrefix(key, "qz_"+id+"_") {
			t.Fatalf("key %q does not have the form qz_%s_<secret>", key, id)
		}
		gotID, secret, err := ParseKey(key)
		if err != nil || gotID != id {
			t.Fatalf("ParseKey(NewKey()) = %q, %v; want id %q", gotID, err, id)
		}
		if strings.Contains(secret, "_") || len(secret)*5 < 128 {
			t.Fatalf("secret %q: want >= 128 bits and no '_'", secret)
		}
		if seen[id] || seen[secret] {
			t.Fatalf("NewKey repeated a value after %d keys", i)
		}
		seen[id], seen[secret] = true, true
	}
}

func TestParseKey(t *testing.T) {
	id := "abcdefgh2345"
	secret := strings.Repeat("a", SecretLen-8) + "bcdef567"
	good := "qz_" + id + "_" + secret
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"valid", good, true},
		{"empty", "", false},
		{"prefix only", "qz_", false},
		{"no secret", "qz_" + id + "_", false},
		{"short secret", good[:len(good)-1], false},
		{"long secret", good + "a", false},
		{"wrong prefix", "qx_" + id + "_" + secret, false},
		{"upper-case prefix", "QZ_" + id + "_" + secret, false},
		{"upper-case secret", "qz_" + id + "_" + strings.ToUpper(secret), false},
		{"underscore in secret", "qz_" + id + "_" + secret[:5] + "_" + secret[6:], false},
		{"separator moved", "qz_" + id[:11] + "_" + "a" + secret, false},
		{"digit outside base32", "qz_" + id[:11] + "1_" + secret, false},
		{"non-ASCII", "qz_" + id + "_" + secret[:SecretLen-2] + "é", false},
		{"whitespace", " " + good[1:], false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gotID, gotSecret, err := ParseKey(tc.in)
			if tc.ok {
				if err != nil || gotID != id || gotSecret != secret {
					t.Fatalf("ParseKey = %q, %q, %v", gotID, gotSecret, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseKey(%q) accepted a malformed key", tc.in)
			}
			if tc.in != "" && strings.Contains(err.Error(), tc.in) {
				t.Fatalf("error %q repeats the input", err)
			}
		})
	}
}

func TestKeyIDFromUser(t *testing.T) {
	tests := []struct {
		user, id string
		ok       bool
	}{
		{"qz_abcdefgh2345", "abcdefgh2345", true},
		{KeyUser("zzzzzzzzzzzz"), "zzzzzzzzzzzz", true},
		{"qz_abcdefgh234", "", false},
		{"qz_abcdefgh23456", "", false},
		{"qz_ABCDEFGH2345", "", false},
		{"acme", "", false},
		{"admin", "", false},
		{"qz_abcdefgh2345_secretsecretsecretsecretsecretse", "", false},
	}
	for _, tc := range tests {
		id, ok := KeyIDFromUser(tc.user)
		if id != tc.id || ok != tc.ok {
			t.Errorf("KeyIDFromUser(%q) = %q, %v; want %q, %v", tc.user, id, ok, tc.id, tc.ok)
		}
	}
}
