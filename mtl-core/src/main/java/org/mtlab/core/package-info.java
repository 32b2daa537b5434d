/** mtlab core: wire contracts and mathematics, free of any framework. */
package org.mtlab.core;
