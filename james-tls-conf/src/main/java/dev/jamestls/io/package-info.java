/** Files written so that a reader never sees half of one: a temporary file beside it, moved over it. */
package dev.jamestls.io;
